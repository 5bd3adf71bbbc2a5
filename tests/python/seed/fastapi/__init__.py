# Shim for the seed (shared/seed/000_745aa4d756e45f8d.txt §3.1, §5.1); not FastAPI.
# changes: n/a (not seed code). Just enough for `from fastapi import HTTPException, status,
# Depends, Request` to import and for the peer to build a fake request.
from . import status  # noqa: F401


class HTTPException(Exception):
    def __init__(self, status_code, detail=None, headers=None):
        super().__init__(status_code, detail)
        self.status_code = status_code
        self.detail = detail
        self.headers = headers

    def __str__(self):
        return f"{self.status_code}: {self.detail}"

    def __repr__(self):
        return f"HTTPException(status_code={self.status_code!r}, detail={self.detail!r})"


class _Depends:
    def __init__(self, dependency=None):
        self.dependency = dependency

    def __repr__(self):
        return f"Depends({getattr(self.dependency, '__name__', self.dependency)!r})"


def Depends(dependency=None):
    return _Depends(dependency)


class Headers:
    """Case-insensitive, read-only header map (like starlette.datastructures.Headers)."""

    def __init__(self, headers=None):
        self._items = [(str(k).lower(), str(v)) for k, v in (headers or {}).items()]

    def get(self, key, default=None):
        key = key.lower()
        for k, v in self._items:
            if k == key:
                return v
        return default

    def __getitem__(self, key):
        v = self.get(key)
        if v is None:
            raise KeyError(key)
        return v

    def __contains__(self, key):
        return self.get(key) is not None

    def items(self):
        return list(self._items)

    def keys(self):
        return [k for k, _ in self._items]


class _Address:
    def __init__(self, host, port=0):
        self.host = host
        self.port = port


class _URL:
    def __init__(self, path):
        self.path = path


class Request:
    """Fake request: headers, client.host, url.path, query_params (str()-able), async body()."""

    def __init__(self, headers=None, client_host="127.0.0.1", path="/", query_string="", body=b""):
        self.headers = Headers(headers)
        self.client = _Address(client_host)
        self.url = _URL(path)
        self.query_params = query_string
        self._body = body

    async def body(self):
        return self._body
