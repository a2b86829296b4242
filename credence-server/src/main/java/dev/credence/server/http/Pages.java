package dev.credence.server.http;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.util.Map;

/** Server-rendered pages from precompiled jte templates, with a strict content-security policy. */
public final class Pages {
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; style-src 'self'; img-src 'self' https:; form-action 'self';"
          + " base-uri 'none'; frame-ancestors 'none'";

  private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

  public void render(Context ctx, int status, String template, Map<String, Object> params) {
    StringOutput output = new StringOutput();
    engine.render(template, params, output);
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.status(status).contentType("text/html; charset=utf-8").result(output.toString());
  }

  /** A plain page with a title, a heading and one paragraph. */
  public void message(Context ctx, int status, String title, String heading, String text) {
    render(ctx, status, "message.jte", Map.of("title", title, "heading", heading, "text", text));
  }
}
