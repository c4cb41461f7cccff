"""boto3 (an S3 client we did not write) against the emulator's R2 endpoint.

Usage: python boto3_r2_check.py ENDPOINT ACCESS_KEY_ID SECRET_ACCESS_KEY

Path-style addressing, region "auto", checksums only when required (the emulator does not take
aws-chunked bodies). Exits non-zero with a message on the first surprise.
"""
import hashlib
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def main() -> None:
    endpoint, key_id, secret = sys.argv[1:4]
    config = Config(s3={"addressing_style": "path"}, request_checksum_calculation="when_required",
                    response_checksum_validation="when_required", retries={"max_attempts": 1})

    def client(secret_key: str):
        return boto3.client("s3", endpoint_url=endpoint, region_name="auto", aws_access_key_id=key_id,
                            aws_secret_access_key=secret_key, config=config)

    s3 = client(secret)
    s3.create_bucket(Bucket="boto-bucket")
    keys = ["a.md", "dir/with space.md", "dir/plus+and%percent.md", "caf\u00e9.md", "cafe\u0301.md", "\u65e5\u672c.txt"]
    for index, key in enumerate(keys):
        body = f"body {index}".encode()
        etag = s3.put_object(Bucket="boto-bucket", Key=key, Body=body)["ETag"]
        assert etag == '"%s"' % hashlib.md5(body).hexdigest(), (key, etag)
    listed = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket="boto-bucket", PaginationConfig={"PageSize": 2}):
        listed += [entry["Key"] for entry in page.get("Contents", [])]
    expected = sorted(keys, key=lambda k: k.encode())
    assert listed == expected, (listed, expected)
    assert s3.get_object(Bucket="boto-bucket", Key="cafe\u0301.md")["Body"].read() == b"body 4"
    head = s3.head_object(Bucket="boto-bucket", Key="dir/plus+and%percent.md")
    assert head["ContentLength"] == 6, head
    s3.delete_object(Bucket="boto-bucket", Key="a.md")
    try:
        s3.head_object(Bucket="boto-bucket", Key="a.md")
        raise AssertionError("a deleted object still answers HEAD")
    except ClientError as error:
        assert error.response["Error"]["Code"] in ("404", "NoSuchKey"), error.response
    try:
        client("wrong-secret").list_objects_v2(Bucket="boto-bucket")
        raise AssertionError("a wrong secret was accepted")
    except ClientError as error:
        assert error.response["Error"]["Code"] == "SignatureDoesNotMatch", error.response
    print("boto3 against the emulator's R2 endpoint: ok")


if __name__ == "__main__":
    main()
