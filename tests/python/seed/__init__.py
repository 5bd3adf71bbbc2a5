# Rampart test peer: the seed's service classes, copied from shared/seed/000_745aa4d756e45f8d.txt.
# changes: none to the seed; this file only makes the shims in this directory (fastapi,
# elasticsearch, qrcode) importable under their real names, ahead of anything installed.
import os as _os
import sys as _sys

_HERE = _os.path.dirname(_os.path.abspath(__file__))
if _HERE not in _sys.path:
    _sys.path.insert(0, _HERE)
