"""Case 1, the seed's approach: every alert of a search with Python `requests` and the official
client's deep paging (assemblyline_client v4 Stream: 100 rows a page), keeping the alerts in a list.

Argument: the same JSON as bench/cases/alerts.ts ({"server": {...}, "expect": N}). Prints one JSON
line: the Measurement bench/lib/measure.ts defines (wallMs, cpuMs, peakRss, baseRss, bytes, ...).
"""
import json
import resource
import sys
import time

import requests

QUERY = 'al.ip:* OR al.domain:* OR al.uri:*'
FIELDS = 'alert_id,sid,reporting_ts,al.detailed,file,label,status,priority'
PAGE = 100


def fetch(session, server, limit=None):
    alerts = []
    received = 0
    deep_paging_id = '*'
    while True:
        rows = PAGE if limit is None else min(PAGE, limit - len(alerts))
        response = session.post(
            f"{server['url']}/api/v4/search/alert/",
            json={'query': QUERY, 'offset': 0, 'fl': FIELDS, 'rows': rows, 'deep_paging_id': deep_paging_id},
            headers={'x-user': server['user'], 'x-apikey': server['apikey'], 'accept': 'application/json'},
        )
        if response.status_code != 200:
            raise RuntimeError(f'HTTP {response.status_code}: {response.text[:200]}')
        received += len(response.content)
        page = response.json()['api_response']
        alerts.extend(page['items'])
        if len(page['items']) < rows or not page.get('next_deep_paging_id') or (limit is not None and len(alerts) >= limit):
            return alerts, received
        deep_paging_id = page['next_deep_paging_id']


def rss_bytes():
    with open('/proc/self/statm') as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def main():
    args = json.loads(sys.argv[1])
    server = args['server']
    session = requests.Session()
    fetch(session, server, 1500)  # warm-up, as the Node children do
    base_rss = rss_bytes()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    alerts, received = fetch(session, server)
    wall_ms = (time.perf_counter() - t0) * 1000
    cpu_ms = (time.process_time() - cpu0) * 1000
    if len(alerts) != args['expect']:
        raise SystemExit(f"python: {len(alerts)} alerts, expected {args['expect']}")
    print(json.dumps({
        'wallMs': wall_ms,
        'cpuMs': cpu_ms,
        'peakRss': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        'baseRss': base_rss,
        'bytes': received,
        'connections': 0,
        'items': len(alerts),
        'extra': {'requestsVersion': requests.__version__, 'pageSize': PAGE},
    }))


main()
