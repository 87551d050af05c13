import { defineFunction } from '../../shared/handler/define-function';
import { marketCode } from '../../shared/marketcode/api';
import { ticketToCodeInput } from '../../shared/marketcode/schemas';

/**
 * tickettocode: when a user scans an activated code, the Mini Program opens with a code_ticket;
 * this turns it (with the user's OPENID) into the code and its activation.
 */
export const main = defineFunction({
  name: 'ticketToCode',
  input: ticketToCodeInput,
  async run(ticket, { wechat }) {
    return marketCode.ticketToCode(wechat, ticket);
  },
});
