# vevents that is not an array: a protocol error.
from vevents import run

run(5)
