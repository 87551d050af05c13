import { receivePush } from '../../shared/component/push-receiver';

/**
 * The third-party platform's authorization event URL (授权事件接收URL), served through the HTTP
 * access service: WeChat's encrypted pushes of the component_verify_ticket and of merchants'
 * authorizations. It needs no bearer key (WeChat cannot send one): every push must carry a valid
 * msg_signature and decrypt with the platform's EncodingAESKey, or nothing is stored.
 */
export const main = receivePush;
