"""Runs QEMU's own QAPI front end on a schema, for bench/ratios.sh.

    python3 bench/qapi_frontend.py QEMU_SRC SCHEMA

Imports scripts/qapi from the QEMU source tree QEMU_SRC and builds its
schema model from SCHEMA: every file read and parsed, every check
(doc comments included) made, nothing generated or printed.  It is what
`qapic check` does, so the two are timed against each other.  Exits 1
and prints the front end's message when the schema is refused.
"""
import os
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: qapi_frontend.py QEMU_SRC SCHEMA')
    sys.path.insert(0, os.path.join(sys.argv[1], 'scripts'))
    from qapi.error import QAPIError
    from qapi.schema import QAPISchema
    try:
        QAPISchema(sys.argv[2])
    except QAPIError as err:
        print(err, file=sys.stderr)
        sys.exit(1)


main()
