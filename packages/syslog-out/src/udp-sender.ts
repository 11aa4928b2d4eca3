import type { SyslogError } from './errors.js';
import { SenderCore } from './sender-core.js';
import { UdpChannel } from './udp-channel.js';

/** UDP datagrams above this size may be fragmented or dropped on typical networks. */
export const UDP_SAFE_BYTES = 1472;

/** One record per datagram; nothing is confirmed, so a batch counts as delivered once its datagrams left. */
export class UdpSender extends SenderCore {
  #channel: UdpChannel | undefined;
  #warnedLarge = false;
  /** `stats.sent` at the last confirm: a confirm with nothing sent since is no batch. */
  #sentAtConfirm = 0;

  constructor(...args: ConstructorParameters<typeof SenderCore>) {
    super(...args);
    this.listen();
  }

  protected accept(text: string): Promise<void> {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > this.options.maxMessageBytes) return this.oversize(bytes);
    this.#warnLarge(bytes);
    return this.serial(() => this.#udp().send(text)).then(() => this.count(bytes));
  }

  protected async flushNow(): Promise<void> {
    await this.#channel?.settled();
  }

  protected async confirmNow(): Promise<void> {
    await this.#channel?.settled();
    if (this.stats.sent === this.#sentAtConfirm) return;
    this.#sentAtConfirm = this.stats.sent;
    this.stats.confirmedBatches += 1;
  }

  protected confirmAndRelease(): Promise<void> {
    return this.confirmNow();
  }

  protected async release(): Promise<void> {
    await this.#channel?.close();
  }

  protected unconfirmed(): number {
    return 0;
  }

  protected stop(_error: SyslogError): void {}

  #warnLarge(bytes: number): void {
    if (bytes <= UDP_SAFE_BYTES || this.#warnedLarge) return;
    this.#warnedLarge = true;
    const warning = `UDP datagrams over ${UDP_SAFE_BYTES} bytes (this one: ${bytes}) may be fragmented or dropped`;
    this.emit('warning', warning);
  }

  #udp(): UdpChannel {
    this.#channel ??= new UdpChannel(this.options.target.host, this.options.target.port);
    return this.#channel;
  }
}
