package michat.web.http;

/**
 * The seed's two response shapes (PROTOCOL.md): G for the {@code /user/*} CRUD routes,
 * H for everything else. Errors keep the shape of their route.
 */
public enum Shape {
  /** {@code {"code":0|-1,"message":"…","data":…}} */
  G,
  /** {@code {"Code":0|-1,"Msg":"…","Data":…,"Rows":…,"Total":…}} */
  H
}
