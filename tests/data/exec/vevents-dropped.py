# A well-formed vEVENT on vIOMMU 1, which has no queue of its type: the
# core drops it, as a kernel driver's report is dropped, and the
# invalidation's answer stays the child's.
from vevents import run

run([{"viommu": 1, "type": 0xBEEFBEEF, "data": "99000000"}])
