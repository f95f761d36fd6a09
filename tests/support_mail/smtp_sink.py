#!/usr/bin/env python3
"""A real SMTP server on loopback for the mail tests (Debian python3-aiosmtpd).

Usage: smtp_sink.py PORT OUTDIR

Every accepted message is written to OUTDIR as NNNN.eml (the raw bytes) and
NNNN.json (envelope, decoded subject, Message-ID and every MIME part decoded
to text), each file renamed into place only when complete. Prints READY when
listening; runs until stdin closes or it is killed.
"""
import email
import email.policy
import json
import os
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = len([f for f in os.listdir(outdir) if f.endswith(".json")])

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stem = os.path.join(self.outdir, "%04d" % self.count)
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        parts = []
        for part in msg.walk():
            if part.is_multipart():
                continue
            payload = part.get_payload(decode=True) or b""
            parts.append({
                "type": part.get_content_type(),
                "filename": part.get_filename(),
                "text": payload.decode(part.get_content_charset() or "utf-8", "replace"),
            })
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(msg["subject"]),
            "message_id": str(msg["message-id"]),
            "to": str(msg["to"]),
            "parts": parts,
        }
        for suffix, data in ((".eml", raw), (".json", json.dumps(record).encode())):
            with open(stem + suffix + ".tmp", "wb") as f:
                f.write(data)
            os.rename(stem + suffix + ".tmp", stem + suffix)
        return "250 OK"


def main():
    port, outdir = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(outdir), hostname="127.0.0.1", port=port)
    controller.start()
    print("READY", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
