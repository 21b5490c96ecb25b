#!/usr/bin/env python3
"""Checks a `partnerhub export` file without partnerhub: positions, links and hashes.

Usage: python3 verify_export.py log.jsonl   (needs `pip install blake3`)
Exits 1 naming the first broken line. See protocol/README.md for the format.
"""
import json
import sys

import blake3

CONTEXT = "partnerhub 2026-11 event chain v1"


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def main(path):
    previous = "0" * 64
    count = 0
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            event = record["event"]
            if event["position"] != count + 1:
                sys.exit(f"line {number}: expected position {count + 1}, found {event['position']}")
            if event["previous_hash"] != previous:
                sys.exit(f"line {number}: links to {event['previous_hash']}, previous is {previous}")
            digest = blake3.blake3(canonical(event), derive_key_context=CONTEXT).hexdigest()
            if digest != record["hash"]:
                sys.exit(f"line {number}: contents hash to {digest}, recorded {record['hash']}")
            previous = record["hash"]
            count += 1
    print(f"verified {count} events; head hash {previous}")


if __name__ == "__main__":
    main(sys.argv[1])
