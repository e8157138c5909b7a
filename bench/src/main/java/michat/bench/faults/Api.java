package michat.bench.faults;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** The ginchat REST calls the fault matrix sets its users up with: register, log in, make and join a group. */
final class Api {
  record User(long id, String token) {}

  private final HttpClient http;
  private final int port;

  Api(HttpClient http, int port) {
    this.http = http;
    this.port = port;
  }

  User newUser(String name) {
    String password = "pw-" + name;
    expectOk(post("/user/createUser", Map.of("name", name, "password", password, "Identity", password), null), "register " + name);
    JsonObject data = expectOk(post("/user/findUserByNameAndPwd", Map.of("name", name, "password", password), null),
        "log in " + name).getJsonObject("data");
    return new User(data.getLong("ID"), data.getString("Identity"));
  }

  long createGroup(User owner, String name) {
    return expectOk(post("/contact/createCommunity", Map.of("name", name), owner.token()), "create " + name)
        .getJsonObject("Data").getLong("ID");
  }

  void joinGroup(User member, long group) {
    expectOk(post("/contact/joinGroup", Map.of("comId", Long.toString(group)), member.token()), "join " + group);
  }

  private JsonObject post(String path, Map<String, String> form, String token) {
    String body = form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    RequestOptions req = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI(path)
        .putHeader("Content-Type", "application/x-www-form-urlencoded");
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    try {
      Buffer answer = http.request(req).compose(r -> r.send(body)).compose(HttpClientResponse::body)
          .await(30, TimeUnit.SECONDS);
      return new JsonObject(answer);
    } catch (Exception e) {
      throw new IllegalStateException(path + ": " + e.getMessage(), e);
    }
  }

  /** Ginchat answers errors with HTTP 200 and code -1 and a sentence. */
  private static JsonObject expectOk(JsonObject answer, String what) {
    Integer code = answer.getInteger("Code", answer.getInteger("code"));
    if (code == null || code != 0) {
      throw new IllegalStateException(what + " failed: " + answer.encode());
    }
    return answer;
  }
}
