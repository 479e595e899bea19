# Exits before it answers hello: no context opens at all.
import sys

sys.exit(3)
