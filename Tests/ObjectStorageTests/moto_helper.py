"""Starts moto's S3 server in its authenticating mode for R2MotoTests (and EndToEndTests).

Usage: python moto_helper.py READY_FILE [RECORDING_FILE]

Binds 127.0.0.1 on a port the kernel picks, creates (while moto still accepts unsigned requests)
an IAM user with an access key and a policy allowing s3:*, and from then on moto checks every
request's SigV4 signature. Writes {"endpoint", "access_key_id", "secret_access_key"} as JSON to
READY_FILE (atomically), then serves until its standard input closes.

With RECORDING_FILE, moto's own request recorder (MOTO_ENABLE_RECORDING) appends every request it
receives to that file, one JSON object a line with the method, URL and headers: the tests count
S3 requests from it, telling clients apart by User-Agent. moto writes each entry in two writes
from its request threads, so the writes are serialized here to keep lines whole.
"""
import json
import os
import sys
import threading

# The IAM calls below are the only unauthenticated actions moto accepts; every later request
# must carry a valid signature from the key made here.
IAM_SETUP_ACTIONS = 4
os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = str(IAM_SETUP_ACTIONS)
os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "true")
if len(sys.argv) > 2:
    os.environ["MOTO_ENABLE_RECORDING"] = "true"
    os.environ["MOTO_RECORDER_FILEPATH"] = sys.argv[2]

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402


def serialize_recording() -> None:
    from moto.moto_api import recorder
    record = recorder._record_request
    lock = threading.Lock()

    def locked(request, body=None):
        with lock:
            record(request, body)

    recorder._record_request = locked


def main() -> None:
    ready_file = sys.argv[1]
    if len(sys.argv) > 2:
        serialize_recording()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap",
                       config=Config(retries={"max_attempts": 1}))
    iam.create_user(UserName="r2-test")
    policy = iam.create_policy(PolicyName="s3-all", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }))
    iam.attach_user_policy(UserName="r2-test", PolicyArn=policy["Policy"]["Arn"])
    key = iam.create_access_key(UserName="r2-test")["AccessKey"]
    temporary = ready_file + ".tmp"
    with open(temporary, "w") as handle:
        json.dump({"endpoint": endpoint, "access_key_id": key["AccessKeyId"],
                   "secret_access_key": key["SecretAccessKey"]}, handle)
    os.rename(temporary, ready_file)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
