/**
 * One interface for every channel module (Direct Line for web chat, WeChat, ...). A channel turns
 * its platform's requests into Bot Framework activities, runs them through the TurnRunner and
 * renders the replies in its platform's format. createApp() mounts each channel's router.
 */
import type { Router } from 'express';

export interface Channel {
  /** The Bot Framework channelId this module sets on activities, e.g. "directline", "wechat". */
  readonly id: string;
  /** Path prefix the router is mounted at, e.g. "/v3/directline" or "/wechat". */
  readonly mountPath: string;
  readonly router: Router;
  /** Release timers, sockets and queues (graceful shutdown, tests). */
  close?(): Promise<void>;
}
