import * as net from "node:net";
import { freePort } from "./processes";

/**
 * A minimal SMTP server on loopback that accepts every message and keeps its headers: enough for
 * Alertmanager's email notifier (net/smtp: EHLO, MAIL, RCPT, DATA, QUIT; no STARTTLS offered, so
 * `require_tls: false` sends in the clear, on loopback only). Shaped like RFC 5321's replies.
 */
export interface ReceivedEmail {
  to: string[];
  subject: string;
  atMs: number;
}

export interface SmtpSink {
  /** host:port, for an email_config's smarthost. */
  address: string;
  emails(): ReceivedEmail[];
  stop(): void;
}

export async function smtpSink(): Promise<SmtpSink> {
  const received: ReceivedEmail[] = [];
  const started = Date.now();
  const server = net.createServer((socket) => {
    let buffer = "";
    let inData = false;
    let to: string[] = [];
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply("220 sink ESMTP");
    socket.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      for (;;) {
        if (inData) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end < 0) return;
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          const headers = message.split("\r\n\r\n")[0].replace(/\r\n[ \t]+/g, " ");
          const subject = /^Subject: (.*)$/im.exec(headers)?.[1] ?? "";
          received.push({ to, subject, atMs: Date.now() - started });
          to = [];
          reply("250 OK: queued");
          continue;
        }
        const eol = buffer.indexOf("\r\n");
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO") socket.write("250-sink\r\n250 8BITMIME\r\n");
        else if (verb === "HELO") reply("250 sink");
        else if (verb === "MAIL") reply("250 OK");
        else if (verb === "RCPT") {
          to.push(/<([^>]*)>/.exec(line)?.[1] ?? "");
          reply("250 OK");
        } else if (verb === "DATA") {
          inData = true;
          reply("354 End data with <CR><LF>.<CR><LF>");
        } else if (verb === "QUIT") {
          reply("221 Bye");
          socket.end();
        } else if (verb === "RSET" || verb === "NOOP") reply("250 OK");
        else reply("502 Command not implemented");
      }
    });
    socket.on("error", () => socket.destroy());
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { address: `127.0.0.1:${port}`, emails: () => [...received], stop: () => server.close() };
}
