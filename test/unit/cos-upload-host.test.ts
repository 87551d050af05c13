import { DEFAULT_API_BASE } from '../../shared/config';
import { uploadUrlProblem } from '../../shared/static-hosting/upload-host-policy';
import { cosError } from '../../shared/tcb/cos-error';

describe('where cloud-storage uploads may go', () => {
  it('allows the bucket-less COS host that tcb/uploadfile answers, and bucket hosts', () => {
    expect(uploadUrlProblem('https://cos.ap-shanghai.myqcloud.com/7d8e-env-1258717764/test.png', DEFAULT_API_BASE)).toBeUndefined();
    expect(uploadUrlProblem('https://7465-env-1258717764.cos.ap-shanghai.myqcloud.com/a.txt', DEFAULT_API_BASE)).toBeUndefined();
  });

  it('refuses look-alikes, plain http and other ports', () => {
    for (const url of [
      'https://cos.ap-shanghai.myqcloud.com.evil.example/x',
      'https://evilcos.ap-shanghai.myqcloud.com.example/x',
      'http://cos.ap-shanghai.myqcloud.com/x',
      'https://cos.ap-shanghai.myqcloud.com:8443/x',
      'https://user:pw@cos.ap-shanghai.myqcloud.com/x',
      'http://127.0.0.1:8787/__cos/x',
    ]) {
      expect({ url, allowed: uploadUrlProblem(url, DEFAULT_API_BASE) === undefined }).toEqual({ url, allowed: false });
    }
  });

  it('allows the configured API base only when it is not WeChat\'s', () => {
    expect(uploadUrlProblem('http://127.0.0.1:8787/__cos/b/a.txt', 'http://127.0.0.1:8787')).toBeUndefined();
    expect(uploadUrlProblem('http://127.0.0.1:8788/__cos/b/a.txt', 'http://127.0.0.1:8787')).toMatch(/not a COS\/CloudBase storage domain/);
  });

  it('reads a COS XML error without leaking a signature', () => {
    expect(cosError('<Error><Code>AccessDenied</Code><Message>Request has expired.</Message></Error>')).toBe(' AccessDenied: Request has expired.');
    expect(cosError('<Error><Code>SignatureDoesNotMatch</Code><Message>for https://b.cos.ap-shanghai.myqcloud.com/a.txt?q-ak=AKIDabc&q-signature=abc</Message></Error>')).not.toContain('abc');
    expect(cosError('<html>502</html>')).toBe('');
  });
});
