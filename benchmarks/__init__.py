"""Speed and memory benchmarks of the KPI worker (not timed tests): see docs/performance.md.

``python -m benchmarks.load --help``        write generated stored-form events to a fresh topic
``python -m benchmarks.raw_rate --help``    raw aiokafka consume rate of that topic
``python -m benchmarks.worker_rate --help`` raw rate, one KPI worker to lag 0, ratio, RSS
"""
