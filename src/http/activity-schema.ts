/**
 * What /api/messages accepts: a Bot Framework Activity checked with zod before the CloudAdapter
 * sees it. Without this, `{}`, `{"text":"hi"}` or `"type": 123` reached the SDK and came back as a
 * 500 with a stack trace, and an activity without conversation.id / from.id / channelId ran a turn
 * on an empty key. Unknown fields pass through (the SDK and channels add their own); the fields a
 * turn depends on are typed and bounded.
 */
import { z } from 'zod';

const id = (what: string) => z.string({ error: `${what} must be a string` }).min(1, `${what} must not be empty`).max(256, `${what} is longer than 256 characters`);
const account = (what: string) => z.looseObject({ id: id(`${what}.id`), name: z.string().max(256).optional() }, { error: `${what} must be an object with an id` });

export const MAX_ACTIVITY_TEXT = 20_000;

export const activitySchema = z.looseObject(
  {
    type: z.string({ error: 'type must be a string' }).min(1, 'type must not be empty').max(64),
    id: z.string().max(256).optional(),
    channelId: id('channelId'),
    conversation: account('conversation'),
    from: account('from'),
    recipient: account('recipient').optional(),
    serviceUrl: z.string().max(2048).optional(),
    deliveryMode: z.string().max(32).optional(),
    text: z.string({ error: 'text must be a string' }).max(MAX_ACTIVITY_TEXT, `text is longer than ${MAX_ACTIVITY_TEXT} characters`).optional(),
    locale: z.string().max(35).optional(),
    channelData: z.record(z.string(), z.unknown(), { error: 'channelData must be an object' }).optional(),
    attachments: z.array(z.unknown()).max(10).optional(),
    entities: z.array(z.unknown()).max(20).optional(),
    membersAdded: z.array(account('membersAdded[]')).max(20).optional(),
  },
  { error: 'the body must be a JSON object (an activity)' },
);

export type CheckedActivity = z.infer<typeof activitySchema>;

/** The parsed activity, or the first problem as one sentence naming the field. */
export function checkActivity(body: unknown): { ok: true; activity: CheckedActivity } | { ok: false; reason: string } {
  const r = activitySchema.safeParse(body);
  if (r.success) return { ok: true, activity: r.data };
  const issue = r.error.issues[0]!;
  const path = issue.path.join('.');
  const given = issue.path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined), body);
  const missing = issue.code === 'invalid_type' && issue.path.length > 0 && given === undefined;
  const reason = missing ? `${path} is required` : issue.message;
  return { ok: false, reason };
}
