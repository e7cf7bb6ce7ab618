import nodemailer from 'nodemailer';

export interface MailMessage {
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
  const transport = nodemailer.createTransport(url);
  return {
    kind: 'smtp',
    async send(message) {
      await transport.sendMail({ from, ...message });
    },
    close: () => transport.close(),
  };
}

export const captureMailer: Mailer = { kind: 'capture', send: async () => {}, close: () => {} };
