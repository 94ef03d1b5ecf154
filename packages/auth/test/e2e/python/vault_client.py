"""A Rampart VaultService client in Python (grpcio), for the cross-language mTLS test.

Usage: vault_client.py <target> <ca.pem> [<cert.pem> <key.pem>]
Prints one line per call: "<method> <STATUS_NAME>". No generated stubs: messages are hand-encoded protobuf.
"""
import sys

import grpc


def encode_read_request(name: str) -> bytes:
    data = name.encode()
    return b"\x0a" + bytes([len(data)]) + data


def main() -> int:
    target, ca_file = sys.argv[1], sys.argv[2]
    cert = key = None
    if len(sys.argv) > 4:
        with open(sys.argv[3], "rb") as f:
            cert = f.read()
        with open(sys.argv[4], "rb") as f:
            key = f.read()
    with open(ca_file, "rb") as f:
        ca = f.read()
    creds = grpc.ssl_channel_credentials(root_certificates=ca, private_key=key, certificate_chain=cert)
    options = [("grpc.ssl_target_name_override", "localhost")]
    with grpc.secure_channel(target, creds, options=options) as channel:
        identity = lambda b: b  # noqa: E731 - raw bytes in and out
        read = channel.unary_unary("/rampart.authtest.v1.VaultService/Read", identity, identity)
        watch = channel.unary_stream("/rampart.authtest.v1.VaultService/Watch", identity, identity)
        try:
            read(encode_read_request("db"), timeout=10)
            print("Read OK")
        except grpc.RpcError as error:
            print(f"Read {error.code().name}")
        try:
            count = sum(1 for _ in watch(encode_read_request("db"), timeout=10))
            print(f"Watch OK {count}")
        except grpc.RpcError as error:
            print(f"Watch {error.code().name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
