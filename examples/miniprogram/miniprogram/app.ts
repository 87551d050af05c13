/**
 * The example's App: initialises wx.cloud for the environment the functions are deployed in
 * (replace ENV_ID with yours). The caller's OPENID must be in the functions' WXOPEN_ADMIN_OPENIDS.
 */
export const ENV_ID = 'your-env-id';

App({
  onLaunch() {
    wx.cloud.init({ env: ENV_ID, traceUser: true });
  },
});
