"""Benchmark: memory of one download from an S3 bucket, streamed (what the views do) against
django-storages' S3File (storage.open(), which copies the object first), same run.

Starts moto's S3 server as a subprocess on 127.0.0.1, stores one object of --mib MiB, and in
a fresh child process per method reads it the way a download does, printing JSON lines:

    {"benchmark": "download_rss", "method": "stream", "mib": 50, "rss_growth_mib": ...,
     "first_chunk_s": ..., "seconds": ...}
    {"benchmark": "download_rss", "method": "s3file_baseline", ...}

Run: .venv/bin/python benchmarks/bench_download_memory.py [--mib 50]
"""

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUCKET = "bench"
KEY = "evidence/video.mp4"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench-secret"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(method: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.files.storage import default_storage

    from config.storage import open_for_download

    default_storage.exists(KEY)  # connect first: the client is not what we measure
    before = rss_mib()
    started = time.perf_counter()
    handle = open_for_download(KEY) if method == "stream" else default_storage.open(KEY, "rb")
    first = None
    total = 0
    while chunk := handle.read(64 * 1024):  # FileResponse's block size
        first = first or time.perf_counter() - started
        total += len(chunk)
    handle.close()
    print(
        json.dumps(
            {
                "rss_growth_mib": round(rss_mib() - before, 1),
                "first_chunk_s": round(first or 0, 3),
                "seconds": round(time.perf_counter() - started, 3),
                "bytes": total,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=50)
    parser.add_argument("--child", choices=["stream", "s3file_baseline"])
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
        for _ in range(100):
            try:
                client.create_bucket(Bucket=BUCKET)
                break
            except Exception:  # noqa: BLE001 - not listening yet
                time.sleep(0.1)
        client.put_object(Bucket=BUCKET, Key=KEY, Body=os.urandom(args.mib * 1024 * 1024))
        env = {
            **os.environ,
            **CREDENTIALS,
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": endpoint,
            "NO_PROXY": "127.0.0.1",
        }
        for method in ("stream", "s3file_baseline"):
            out = (
                subprocess.run(
                    [sys.executable, __file__, "--child", method],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=ROOT,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            result = json.loads(out)
            assert result.pop("bytes") == args.mib * 1024 * 1024
            print(
                json.dumps(
                    {"benchmark": "download_rss", "method": method, "mib": args.mib, **result}
                )
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
