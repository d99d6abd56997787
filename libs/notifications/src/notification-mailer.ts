import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '@zs/config';

/** Digest e-mail over SMTP_URL (nodemailer); off when SMTP_URL is unset. */
@Injectable()
export class NotificationMailer implements OnApplicationShutdown {
  private transport: Transporter | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.notifications.smtpUrl !== undefined;
  }

  async send(to: string, subject: string, text: string): Promise<void> {
    const url = this.config.notifications.smtpUrl;
    if (!url) return;
    this.transport ??= createTransport(url, { from: this.config.notifications.mailFrom });
    await this.transport.sendMail({ to, subject, text });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
