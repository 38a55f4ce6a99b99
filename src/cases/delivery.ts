/**
 * CitizenDelivery: how a staff message reaches the citizen on their own channel. Implemented by
 * the Direct Line channel (appended to the conversation log and its WebSocket stream) and the
 * WeChat channel (customer-service API, inside WeChat's 48-hour window). The staff side tells the
 * staff member what happened: delivered, deferred (WeChat window closed or quota used: the
 * message goes out when the citizen next writes; offer the call-back) or failed.
 */
import type { Activity, ConversationReference } from 'botbuilder';

export interface DeliveryResult {
  status: 'delivered' | 'deferred' | 'failed';
  /** Why it was not delivered now ("window-closed", "quota", "not-configured", an error message). */
  reason?: string;
}

export interface CitizenDelivery {
  /** The channelId it serves ("directline", "wechat"). */
  readonly channelId: string;
  deliver(reference: Partial<ConversationReference>, activities: Partial<Activity>[]): Promise<DeliveryResult>;
  /** Can a message reach the citizen now? ("closed" only when the channel knows it is.) */
  window?(reference: Partial<ConversationReference>, lastCitizenAt?: string): 'open' | 'closed' | 'unknown';
}

/** The deliveries by channel id. */
export class Deliveries {
  private readonly byChannel = new Map<string, CitizenDelivery>();

  add(d: CitizenDelivery): this {
    this.byChannel.set(d.channelId, d);
    return this;
  }

  for(channelId: string): CitizenDelivery | undefined {
    return this.byChannel.get(channelId);
  }

  async deliver(reference: Partial<ConversationReference>, activities: Partial<Activity>[]): Promise<DeliveryResult> {
    const d = reference.channelId ? this.byChannel.get(reference.channelId) : undefined;
    if (!d) return { status: 'failed', reason: `no delivery for channel "${reference.channelId}"` };
    try {
      return await d.deliver(reference, activities);
    } catch (err) {
      return { status: 'failed', reason: (err as Error).message };
    }
  }
}
