import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP peer on loopback that keeps what it receives, and can be told to refuse mail or to take its time. */
export async function startSmtpPeer() {
  const received: ParsedMail[] = [];
  let refusing = false;
  let delayMs = 0;
  const waiters: (() => void)[] = [];
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // Loopback only: no reverse DNS lookup of the client (it waits on a closed network).
    disableReverseLookup: true,
    logger: false,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onClose() {
      connections--;
      waiters.splice(0).forEach((w) => w());
    },
    onData(stream, _session, callback) {
      if (refusing) {
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('Mailbox unavailable, try later'), { responseCode: 451 })));
        return;
      }
      simpleParser(stream)
        .then(async (mail) => {
          // A slow mail server: the message is only accepted (and kept) once the wait is over.
          if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
          received.push(mail);
          waiters.splice(0).forEach((w) => w());
          callback();
        })
        .catch(callback);
    },
  });
  async function until(done: () => boolean, timeoutMs: number, failure: () => string) {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(failure());
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return received;
  }
  // A sender killed mid-conversation (the crash tests do it on purpose) resets its connection: the
  // peer hears of it as an error, which is no failure of the peer's, and what arrived is still
  // checked message by message.
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') throw error;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuse(on: boolean) {
      refusing = on;
    },
    /** Waits this long before accepting each message (0: at once). */
    slow(ms: number) {
      delayMs = ms;
    },
    /** Waits (bounded) until `count` messages have arrived. */
    waitFor: (count: number, timeoutMs = 5000) => until(() => received.length >= count, timeoutMs, () => `Expected ${count} messages, got ${received.length}`),
    /**
     * Waits (bounded) until every sender has hung up: once the senders' mailers are closed,
     * nothing more can arrive, so what was received is all there will be.
     */
    allReceived: (timeoutMs = 5000) => until(() => connections === 0, timeoutMs, () => `${connections} connections still open`),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
