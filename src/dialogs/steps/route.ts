/**
 * route: tell the citizen where to go — a route id from topics.yaml, or "entry" for the route of
 * the entry in the `entry` slot. The office of the citizen's district is named with its details
 * only when verified; otherwise the route's hotline (never an invented address).
 */
import type { RouteId } from '../../content/schema';
import { CODE_TEMPLATES, SLOTS } from '../ids';
import type { StepHandler } from '../step-contract';
import { officeFor, routeView } from '../route-view';
import { follow } from './common';

export const route: StepHandler<'route'> = {
  kind: 'route',
  async enter(step, ctx) {
    let routeId: RouteId = '12348';
    let office = step.office;
    if (step.route === 'entry') {
      const id = ctx.getSlot(SLOTS.entry);
      const entry = typeof id === 'string' ? ctx.services.kb.entry(id, ctx.locale) : undefined;
      if (entry) {
        routeId = entry.route;
        office ??= officeFor(ctx.services.flows.routes, entry);
      }
    } else routeId = step.route;
    const view = routeView(ctx.services.kb, ctx.services.flows.routes, routeId, ctx.locale, ctx.profile.district, office);
    await ctx.send({ ...ctx.render(step.template ?? CODE_TEMPLATES.route, { route: view }), suggestions: [] });
    return follow(step.next);
  },
  targets: (step) => ({
    steps: step.next ? [step.next] : [],
    flows: [],
    templates: [step.template ?? CODE_TEMPLATES.route],
    keys: [],
  }),
};
