package dev.credence.server.http;

import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 description of the public API. The file is kept in the
 * repository as {@code docs/openapi.json} and copied onto the class path by the build, so the
 * served document is always the one in the docs.
 */
public final class OpenApiDocument {
  public static final String PATH = "/openapi.json";
  static final String RESOURCE = "/openapi/openapi.json";

  private final byte[] document;

  private OpenApiDocument(byte[] document) {
    this.document = document;
  }

  /** Reads the document from the class path; a build without it fails at start-up, not later. */
  public static OpenApiDocument load() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "the OpenAPI document " + RESOURCE + " is missing from the class path");
      }
      return new OpenApiDocument(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  public void routes(RoutesConfig routes) {
    routes.get(PATH, ctx -> ctx.contentType("application/json").result(document));
  }
}
