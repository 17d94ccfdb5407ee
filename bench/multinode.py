"""Starts the portal as on several machines, here: two web nodes, two workers, one beat.

    .venv/bin/python bench/multinode.py           # start the fleet, print its addresses, Ctrl-C stops it
    .venv/bin/python bench/multinode.py --check   # run the multinode scenario (tests/test_multinode.py)

The fleet shares a fresh PostgreSQL database (on the server of DATABASE_URL, else 127.0.0.1:5432), a
Redis of its own, an S3 server (moto) and an SMTP server that prints what it receives. The portal's
processes run on RUNTIME_PYTHON if set (point it at a virtualenv with requirements.txt alone), else on
this Python. Logs land in the folder printed at the start.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="run the scenario as a test and exit")
    arguments = parser.parse_args()
    if arguments.check:
        command = [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "tests/test_multinode.py"]
        return subprocess.call(command, cwd=ROOT)  # noqa: S603

    from tests.multinode import DEMO_PASSWORD, Cluster

    folder = Path(tempfile.mkdtemp(prefix="zones-portal-multinode-"))
    print(f"Starting the fleet; logs in {folder}")
    with Cluster(folder) as cluster:
        print(f"web node A: {cluster.url(0, '/')}")
        print(f"web node B: {cluster.url(1, '/')}")
        print(f"readiness:  {cluster.url(0, '/readyz')}")
        print(
            f"database {cluster.database}, Redis {cluster.redis.url}, S3 {cluster.s3_endpoint} bucket {cluster.bucket}"
        )
        print(f"SMTP on 127.0.0.1:{cluster.smtp.port}; demo accounts' password: {DEMO_PASSWORD}")
        print("Ctrl-C stops everything and drops the database.")
        seen = 0
        try:
            while True:
                time.sleep(2)
                messages = cluster.smtp.messages
                for message in messages[seen:]:
                    print(f"mail to {message['To']}: {message['Subject']}")
                seen = len(messages)
        except KeyboardInterrupt:
            print("Stopping.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
