# Announces only rfc-v3: under linux-7.2 nestref refuses the context.
from broken import run


def rfc_only(reply):
    reply["profiles"] = ["rfc-v3"]
    return reply


run(lambda req: None, hello=rfc_only)
