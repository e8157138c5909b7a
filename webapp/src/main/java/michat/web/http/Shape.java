package michat.web.http;

/**
 * The two response shapes of the ginchat protocol. Errors keep the shape of their route.
 */
public enum Shape {
  /** The {@code /user/*} account routes: {@code {"code":0|-1,"message":"…","data":…}}. */
  ACCOUNT,
  /** Every other route: {@code {"Code":0|-1,"Msg":"…","Data":…,"Rows":…,"Total":…}}. */
  RESULT
}
