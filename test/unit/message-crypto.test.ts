import { decryptMessage, encryptMessage, MessageCryptoError, messageSignature, signatureMatches } from '../../shared/component/message-crypto';
import { buildPushXml, parsePushXml, PushXmlError } from '../../shared/component/push-xml';

/** WeChat's official third-party push example (open platform, "message push" page). */
const E = {
  token: 'AAAAA',
  aesKey: 'A'.repeat(43),
  componentAppId: 'wx134c8103faa5a59e',
  timestamp: '1715943329',
  nonce: '1590219412',
  encrypt:
    'D7yzvUNAL930rd28wf21s4hvXhz0L6Uit/p2Di6C5DHyYGpEgdBRnKjBec34JwoQXicwaZC7fOVihW80F4VtsdvE//1vr7oAbqjDv8KenVp+ajKYpJnyQ4zMRhIC+a31fCVOMC03FfzV/QuC94kBP55a+Za3sJgvAn+ZbsNqZI5DkyuzkhQN8OBqCzFhizGmy0xpM0MEA4agpvE+RuNO1rhHTtuJB5yltw1FiYzecSXJ+y/D2r81VkRn2eYjh2ltsoyfbDR7Is6ookXIFxTfyeNyeHxMeT4KN5WpCDmSbTcUYrbBUlkGLJ9n/rU8YOywma6G7aTb7KZKOqCxgfoUlYEZPk4FUL/TK7ShriFDMVCLyjQJ15Ob++agDWtcxhfUfe6HIoIpRW8mKNBQiY/Jd1svvuskA1wLef1RTtzKfMpagSCX/laZINmdnX4zrF6kIaR9P4xQrWXbsTFHTYe0Mg==',
  msgSignature: '6c12a4205838198b8fa631b3220723bb07f1015c',
  signature: 'cc0c594499c1634947d5b502f158ee518947db27',
  message:
    '<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>\n<FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName>\n<CreateTime>1715943329</CreateTime>\n<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[debug_demo]]></Event>\n<debug_str><![CDATA[hello world]]></debug_str>\n</xml>',
};

describe('message crypto (WXBizMsgCrypt)', () => {
  it('passes the official third-party vector: both signatures and the exact decrypted message', () => {
    expect(messageSignature(E.token, E.timestamp, E.nonce, E.encrypt)).toBe(E.msgSignature);
    expect(messageSignature(E.token, E.timestamp, E.nonce)).toBe(E.signature);
    expect(decryptMessage(E.aesKey, E.encrypt, E.componentAppId)).toBe(E.message);
  });

  it('reproduces the official reply ciphertext and its signature with the same random', () => {
    const encrypted = encryptMessage(E.aesKey, '<xml><demo_resp>[CDATA[good luck]]</demo_resp></xml>', E.componentAppId, Buffer.from('999951349e8ee746'));
    expect(encrypted).toBe('hE8R6mGXHkJJjU72KxzKUd1GEkKJaEZq7vRL8XgK3o+00k8JGq6+pZJUIlTSyhsX+bxIBQ72g3GyvDdIZcr6+3HAZbSvPT9t/o11MI7d6WELwqrGd7jMnV0zv3Zc9Nq7');
    expect(messageSignature(E.token, '1713424427', '415670741', encrypted)).toBe('03e0812039325c2712ef5f0f980fd14c70d6e307');
  });

  it('reproduces the WxJava / official Java sample ciphertext (UTF-8 text, another key)', () => {
    const encrypted = encryptMessage('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', '我是中文abcd123', 'wxb11529c136998cb6', Buffer.from('aaaabbbbccccdddd'));
    expect(encrypted).toBe('jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==');
    expect(decryptMessage('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', encrypted, 'wxb11529c136998cb6')).toBe('我是中文abcd123');
  });

  it('refuses another appid, a tampered ciphertext, a wrong key and broken base64, each with its reason', () => {
    const reason = (work: () => unknown) => {
      try {
        work();
      } catch (error) {
        return error instanceof MessageCryptoError ? error.reason : 'other';
      }
      return 'accepted';
    };
    expect(reason(() => decryptMessage(E.aesKey, E.encrypt, 'wx0000000000000000'))).toBe('appid');
    const bytes = Buffer.from(E.encrypt, 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x55;
    expect(['padding', 'layout', 'appid']).toContain(reason(() => decryptMessage(E.aesKey, bytes.toString('base64'), E.componentAppId)));
    expect(['padding', 'layout', 'appid']).toContain(reason(() => decryptMessage('B'.repeat(43), E.encrypt, E.componentAppId)));
    expect(reason(() => decryptMessage(E.aesKey, 'not base64!', E.componentAppId))).toBe('ciphertext');
    expect(reason(() => decryptMessage(E.aesKey, 'QUJD', E.componentAppId))).toBe('ciphertext');
    expect(reason(() => decryptMessage('short', E.encrypt, E.componentAppId))).toBe('key');
  });

  it('round-trips any message, padding lengths 1..32 included', () => {
    const key = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    for (let length = 0; length < 70; length++) {
      const message = 'x'.repeat(length);
      expect(decryptMessage(key, encryptMessage(key, message, 'wx0c0c0c0c0c0c0c0c'), 'wx0c0c0c0c0c0c0c0c')).toBe(message);
    }
  });

  it('compares signatures exactly (case-insensitive hex, no prefix match)', () => {
    expect(signatureMatches(E.msgSignature.toUpperCase(), E.msgSignature)).toBe(true);
    expect(signatureMatches(E.msgSignature.slice(0, 39), E.msgSignature)).toBe(false);
    expect(signatureMatches(`${E.msgSignature.slice(0, 39)}0`, E.msgSignature)).toBe(false);
  });
});

describe('push XML', () => {
  it('reads the flat fields, line breaks kept inside values, CDATA or not', () => {
    expect(parsePushXml('<xml>\n<AppId><![CDATA[wx1]]></AppId>\n<CreateTime>1413192605</CreateTime>\n<V><![CDATA[a\nb]]></V>\n</xml>')).toEqual({ AppId: 'wx1', CreateTime: '1413192605', V: 'a\nb' });
    expect(parsePushXml(buildPushXml({ A: 'x]]>y<z>', N: 3 }))).toEqual({ A: 'x]]>y<z>', N: '3' });
  });

  it.each([
    ['a document type (XXE)', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><A>&e;</A></xml>'],
    ['broken XML', '<xml><A>1</A>'],
    ['another root', '<root><A>1</A></root>'],
    ['two roots', '<xml><A>1</A></xml><xml><B>2</B></xml>'],
    ['a repeated field', '<xml><A>1</A><A>2</A></xml>'],
    ['a nested field', '<xml><A><B>1</B></A></xml>'],
    ['an oversized body', `<xml><A>${'x'.repeat(70_000)}</A></xml>`],
  ])('refuses %s', (_what, text) => {
    expect(() => parsePushXml(text)).toThrow(PushXmlError);
  });
});
