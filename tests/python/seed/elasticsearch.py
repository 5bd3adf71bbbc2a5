# Shim for the seed (shared/seed/000_745aa4d756e45f8d.txt §6.1); not the elasticsearch client.
# changes: n/a. Every call raises, so AuditService's own try/except paths run as "no
# Elasticsearch": index -> logged error, search -> [], count -> 0, delete_by_query -> logged error.


class ConnectionError(Exception):  # noqa: A001 - mirrors elasticsearch.ConnectionError
    pass


class AsyncElasticsearch:
    def __init__(self, hosts=None, **kwargs):
        self.hosts = hosts

    async def _unavailable(self, *args, **kwargs):
        raise ConnectionError("elasticsearch shim: no Elasticsearch in the Rampart test peer")

    index = _unavailable
    search = _unavailable
    count = _unavailable
    delete_by_query = _unavailable

    async def close(self):
        return None
