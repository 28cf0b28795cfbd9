"""Writes botocore-presign.json: presigned PUT and GET URLs made by botocore's S3SigV4QueryAuth
(the AWS SDK for Python's signer), the oracle for s3presign's keys with spaces, UTF-8, '+', '%'
and '~'. Regenerate with: python3 botocore_presign.py > botocore-presign.json"""
import datetime
import json
from unittest import mock
from urllib.parse import quote

import botocore.auth
from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ENDPOINT, BUCKET, REGION = "https://acct.r2.cloudflarestorage.com", "twenty-files", "auto"
NOW = datetime.datetime(2026, 12, 6, 12, 0, 0)
KEYS = ["ws/files-field/a.pdf", "ws/files-field/a b(1).png", "ws/ünïcødé.txt", "ws/x+y%z~w.bin", "ws/sub/dir/na me.tar.gz"]

out = []
for method in ("PUT", "GET"):
    for key in KEYS:
        req = AWSRequest(method=method, url=f"{ENDPOINT}/{BUCKET}/{quote(key, safe='/~')}")
        auth = S3SigV4QueryAuth(Credentials("AKIDR2EXAMPLE", "r2-secret/EXAMPLE+KEY"), "s3", REGION, expires=900)
        with mock.patch.object(botocore.auth, "get_current_datetime", return_value=NOW, create=True), \
             mock.patch("botocore.auth.datetime") as dt:
            dt.datetime.utcnow.return_value = NOW
            dt.datetime.now.return_value = NOW
            auth.add_auth(req)
        out.append({"method": method, "key": key, "url": req.url})
print(json.dumps(out, indent=1, ensure_ascii=False))
