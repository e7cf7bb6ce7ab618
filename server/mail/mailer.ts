import nodemailer from 'nodemailer';
import type { Config } from '../shared/config';

export interface MailMessage {
  /**
   * The outbox row's id: the message's Message-ID is made from it, so a message sent again after
   * a crash (the one window for a duplicate, see outbox.ts) is the same message, which mail
   * systems and clients recognise and show once.
   */
  id?: string;
  to: string;
  subject: string;
  text: string;
  attachments: { filename: string; contentType: string; content: string }[];
}

/** The mail port: the outbox sender is the only caller. */
export interface Mailer {
  /** 'capture' keeps mail in the outbox for the demo's dev mailbox instead of sending it. */
  readonly kind: 'smtp' | 'capture';
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export function smtpMailer(url: string, from: string): Mailer {
  // Pooled: a run of the outbox reuses a few connections instead of opening one per message.
  const pooled = new URL(url);
  if (!pooled.searchParams.has('pool')) pooled.searchParams.set('pool', 'true');
  const transport = nodemailer.createTransport(pooled.toString());
  const domain = /@([^\s>]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return {
    kind: 'smtp',
    async send({ id, ...message }) {
      await transport.sendMail({ from, ...message, ...(id ? { messageId: `<${id}@${domain}>` } : {}) });
    },
    close: () => transport.close(),
  };
}

export const captureMailer: Mailer = { kind: 'capture', send: async () => {}, close: () => {} };

/**
 * The one rule for every runtime: SMTP when SMTP_URL is set; otherwise, in demo mode, the capture
 * mailer (mail is kept for the dev mailbox). Outside demo mode without SMTP_URL there is no way to
 * send, so undefined, and the caller decides: the Node server refuses to start, the Worker and the
 * jobs command line leave the mail pending in the outbox.
 */
export function chooseMailer(smtpUrl: string | undefined, config: Pick<Config, 'demo' | 'mailFrom'>): Mailer | undefined {
  if (smtpUrl) return smtpMailer(smtpUrl, config.mailFrom);
  return config.demo ? captureMailer : undefined;
}
