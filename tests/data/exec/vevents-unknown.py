# A vEVENT on a vIOMMU the context does not hold: a protocol error.
from vevents import run

run([{"viommu": 9999, "type": 0xBEEFBEEF, "data": "99000000"}])
