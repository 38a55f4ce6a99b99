/**
 * A Bot Framework adapter for channels we host ourselves (Direct Line endpoint, WeChat, tests,
 * console). processActivity() runs one turn through the same middleware and bot logic as the
 * CloudAdapter at /api/messages and returns the replies instead of POSTing them to a serviceUrl.
 * Messages sent outside a turn (a late answer, a staff reply) go to the sink registered for the
 * conversation's channel.
 *
 * Why not CloudAdapter with expectReplies: that path needs an HTTP request/response pair and an
 * auth header; our own channels already authenticate their users, so they call in directly.
 */
import {
  type Activity,
  ActivityTypes,
  BotAdapter,
  type ConversationReference,
  type ResourceResponse,
  TurnContext,
} from 'botbuilder';
import { randomUUID } from 'node:crypto';

export type BotLogic = (context: TurnContext) => Promise<void>;

/** Receives activities sent outside a turn for one channel id ("directline", "wechat", ...). */
export type ProactiveSink = (reference: Partial<ConversationReference>, activities: Partial<Activity>[]) => Promise<void>;

/** What a channel needs from the bot: run one turn, get the replies. */
export interface TurnRunner {
  run(activity: Partial<Activity>): Promise<Partial<Activity>[]>;
  /** Send activities into a conversation outside a user turn (proactive). */
  send(reference: Partial<ConversationReference>, activities: Partial<Activity>[]): Promise<void>;
}

const BUFFER = Symbol('replies');

export class InProcessAdapter extends BotAdapter implements TurnRunner {
  private readonly sinks = new Map<string, ProactiveSink>();

  constructor(private readonly logic: BotLogic) {
    super();
  }

  registerSink(channelId: string, sink: ProactiveSink): void {
    this.sinks.set(channelId, sink);
  }

  async run(activity: Partial<Activity>): Promise<Partial<Activity>[]> {
    const full: Partial<Activity> = {
      id: activity.id ?? randomUUID(),
      timestamp: activity.timestamp ?? new Date(),
      type: activity.type ?? ActivityTypes.Message,
      recipient: activity.recipient ?? { id: 'bot', name: 'legal-aid-bot' },
      ...activity,
    };
    const context = new TurnContext(this, full);
    const replies: Partial<Activity>[] = [];
    context.turnState.set(BUFFER, replies);
    await this.runMiddleware(context, this.logic);
    return replies;
  }

  async send(reference: Partial<ConversationReference>, activities: Partial<Activity>[]): Promise<void> {
    const sink = reference.channelId ? this.sinks.get(reference.channelId) : undefined;
    if (!sink) throw new Error(`no delivery registered for channel "${reference.channelId}"`);
    await sink(reference, activities.map((a) => TurnContext.applyConversationReference({ ...a }, reference)));
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const buffer = context.turnState.get(BUFFER) as Partial<Activity>[] | undefined;
    const out: ResourceResponse[] = [];
    const toSink: Partial<Activity>[] = [];
    for (const a of activities) {
      const id = a.id ?? randomUUID();
      out.push({ id });
      if (a.type === 'delay' || a.type === ActivityTypes.InvokeResponse || a.type === 'trace') continue;
      const sent = { ...a, id, timestamp: new Date() };
      if (buffer) buffer.push(sent);
      else toSink.push(sent);
    }
    if (toSink.length) await this.send(TurnContext.getConversationReference(context.activity), toSink);
    return out;
  }

  override async updateActivity(): Promise<void> {
    // Our channels have no message editing; nothing to do.
  }

  override async deleteActivity(): Promise<void> {
    // Our channels have no message deletion; nothing to do.
  }

  override async continueConversation(
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, reference, true);
    const context = new TurnContext(this, activity);
    await this.runMiddleware(context, logic);
  }
}
