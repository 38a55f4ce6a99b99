/**
 * POST /api/messages, the Bot Framework endpoint (Azure Bot Service, curl, local tools).
 *
 * Every body is checked (activity-schema.ts) before the SDK sees it: malformed → 400
 * {error, reason}, logged at warn with the reason only, never the body.
 *
 * Without Bot Framework credentials nobody is authenticated, so the endpoint:
 *   - serves only `deliveryMode: "expectReplies"`: the replies come back in the HTTP response and
 *     the server never calls a `serviceUrl` the caller named (that was a request forgery: the bot
 *     POSTed wherever it was told, and a never-answering URL held the turn open);
 *   - puts every conversation in its own namespace, channelId LOCAL_CHANNEL_ID ("emulator"), with
 *     the caller's channelId kept only in channelData.requestedChannelId: a caller who names
 *     "wechat" or "directline" and a citizen's conversation id reaches a fresh conversation, never
 *     that citizen's state, district or handoff.
 * With credentials, CloudAdapter validates every token as before; its outbound calls carry a
 * timeout (connectorTimeoutPolicy) so a slow channel cannot hold a turn forever.
 */
import type { CloudAdapter } from 'botbuilder';
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { BotLogic } from '../bot/in-process-adapter';
import { checkActivity } from './activity-schema';

export const LOCAL_CHANNEL_ID = 'emulator';

/** A 400 with a JSON reason; createApp's error handler renders it as {error, reason}. */
export class BadActivityError extends Error {
  readonly status = 400;
  constructor(readonly reason: string) {
    super('malformed activity');
    this.name = 'BadActivityError';
  }
}

export interface BotEndpointOptions {
  cloudAdapter: CloudAdapter;
  bot: BotLogic;
  logger: Logger;
  /** True when MicrosoftAppId is configured (CloudAdapter validates tokens). */
  authenticated: boolean;
}

/** Checks, namespaces and hands the activity to the CloudAdapter. Errors go to next(). */
export function botEndpoint(opts: BotEndpointOptions): RequestHandler {
  return async (req: Request, res, next) => {
    const checked = checkActivity(req.body);
    if (!checked.ok) {
      opts.logger.warn({ path: req.path, reason: checked.reason, ip: req.ip }, 'bot endpoint: malformed activity refused');
      return next(new BadActivityError(checked.reason));
    }
    const a = checked.activity;
    if (!opts.authenticated) {
      if (a.deliveryMode !== 'expectReplies') {
        opts.logger.warn({ path: req.path, deliveryMode: a.deliveryMode ?? null, ip: req.ip }, 'bot endpoint: callback delivery refused without credentials');
        return next(
          new BadActivityError(
            'deliveryMode "expectReplies" is required: without Bot Framework credentials (MicrosoftAppId) the bot answers in the HTTP response and never calls a serviceUrl',
          ),
        );
      }
      req.body = {
        ...a,
        channelId: LOCAL_CHANNEL_ID,
        // Never used for a call (expectReplies); set so nothing falls back to the caller's.
        serviceUrl: 'http://localhost/expect-replies',
        channelData: { ...(a.channelData ?? {}), requestedChannelId: a.channelId },
      };
    }
    try {
      await opts.cloudAdapter.process(req, res, opts.bot);
    } catch (err) {
      next(err);
    }
  };
}

/**
 * A connector-client request policy (ConnectorClientOptions.requestPolicyFactories) that gives
 * every outbound Bot Framework call a timeout; the SDK aborts the call when it passes.
 */
export function connectorTimeoutPolicy(timeoutMs: number) {
  return {
    create: (next: { sendRequest(r: { timeout?: number }): Promise<unknown> }) => ({
      sendRequest: (request: { timeout?: number }) => {
        if (!request.timeout || request.timeout > timeoutMs) request.timeout = timeoutMs;
        return next.sendRequest(request);
      },
    }),
  };
}
