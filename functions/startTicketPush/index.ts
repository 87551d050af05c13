import { startPushTicket } from '../../shared/component/component-api';
import { platformState } from '../../shared/component/platform-state';
import { noInput } from '../../shared/component/schemas';
import { defineFunction } from '../../shared/handler/define-function';
import { requireComponent, sharedTokenCacheFor } from '../../shared/tokens/shared-tokens';

/**
 * api_start_push_ticket: restarts WeChat's ticket push to componentEvents (after the URL changed,
 * or when no ticket came for a while), and says how old the stored ticket is.
 */
export const main = defineFunction({
  name: 'startTicketPush',
  input: noInput,
  actsForMerchant: false,
  async run(_input, { config, deadline }) {
    const component = requireComponent(config);
    const wechat = await startPushTicket(config, component, deadline);
    const ticket = await platformState.readTicket(sharedTokenCacheFor(config).store, component.appId);
    return { wechat, ticket_age_seconds: ticket === undefined ? null : Math.round((Date.now() - ticket.receivedAt) / 1000) };
  },
});
