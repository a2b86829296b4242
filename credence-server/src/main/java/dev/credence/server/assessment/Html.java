package dev.credence.server.assessment;

import gg.jte.html.HtmlInterceptor;
import gg.jte.html.HtmlTemplateOutput;

/** A page ready to render: a call of a precompiled template with its typed parameters. */
@FunctionalInterface
public interface Html {
  void render(HtmlTemplateOutput output, HtmlInterceptor interceptor);
}
