package dev.credence.server.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4), written apart from the registry
 * that produced the text: every line is a {@code # HELP}, a {@code # TYPE} or a sample, every
 * sample belongs to a family declared by an earlier {@code # TYPE}, label values are quoted and
 * escaped, values are numbers. Anything else fails with the line at fault.
 */
public final class PrometheusText {
  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
  private static final Pattern TYPE =
      Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
  private static final Pattern SAMPLE =
      Pattern.compile("(" + NAME + ")(\\{(.*)\\})? (\\S+)( -?\\d+)?");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\"\\\\n])*)\"(,|$)");
  private static final Set<String> SUFFIXES =
      Set.of("", "_total", "_bucket", "_count", "_sum", "_created");

  /** One sample: its name, labels in order, value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final Map<String, String> types = new LinkedHashMap<>();
  private final List<Sample> samples = new ArrayList<>();

  private PrometheusText() {}

  /** Reads {@code text}; throws {@link AssertionError} naming the first line that is not valid. */
  public static PrometheusText parse(String text) {
    PrometheusText parsed = new PrometheusText();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        if (i != lines.length - 1) {
          throw new AssertionError("line " + (i + 1) + " is empty");
        }
        continue;
      }
      try {
        parsed.read(line);
      } catch (RuntimeException e) {
        throw new AssertionError("line " + (i + 1) + " '" + line + "': " + e.getMessage(), e);
      }
    }
    if (!text.endsWith("\n")) {
      throw new AssertionError("the text does not end with a line feed");
    }
    return parsed;
  }

  private void read(String line) {
    if (line.startsWith("#")) {
      Matcher type = TYPE.matcher(line);
      if (type.matches()) {
        if (types.put(type.group(1), type.group(2)) != null) {
          throw new IllegalArgumentException("a second TYPE for " + type.group(1));
        }
        return;
      }
      if (!HELP.matcher(line).matches()) {
        throw new IllegalArgumentException("neither HELP nor TYPE");
      }
      return;
    }
    Matcher sample = SAMPLE.matcher(line);
    if (!sample.matches()) {
      throw new IllegalArgumentException("not a sample");
    }
    String name = sample.group(1);
    if (family(name).isEmpty()) {
      throw new IllegalArgumentException("no TYPE declared for " + name);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    String body = sample.group(3);
    if (body != null && !body.isEmpty()) {
      Matcher label = LABEL.matcher(body);
      int at = 0;
      while (at < body.length()) {
        if (!label.find(at) || label.start() != at) {
          throw new IllegalArgumentException("bad labels at: " + body.substring(at));
        }
        if (labels.put(label.group(1), unescape(label.group(2))) != null) {
          throw new IllegalArgumentException("label " + label.group(1) + " twice");
        }
        at = label.end();
      }
    }
    samples.add(new Sample(name, labels, number(sample.group(4))));
  }

  private Optional<String> family(String sampleName) {
    for (String suffix : SUFFIXES) {
      if (sampleName.endsWith(suffix)) {
        String base = sampleName.substring(0, sampleName.length() - suffix.length());
        if (types.containsKey(base)) {
          return Optional.of(base);
        }
        if (types.containsKey(sampleName)) {
          return Optional.of(sampleName);
        }
      }
    }
    return Optional.empty();
  }

  private static double number(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }

  private static String unescape(String value) {
    return value.replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
  }

  /** The declared type of a family: counter, gauge, histogram, ... */
  String type(String family) {
    return types.get(family);
  }

  /** Every declared family with its type. */
  Map<String, String> families() {
    return Map.copyOf(types);
  }

  /** Whether any sample has this exact name. */
  boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }

  /** The samples named {@code name} whose labels include {@code labels} (name, value pairs). */
  List<Sample> samples(String name, String... labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name))
        .filter(
            s -> {
              for (int i = 0; i < labels.length; i += 2) {
                if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                  return false;
                }
              }
              return true;
            })
        .toList();
  }

  /** The value of the one sample named {@code name} with {@code labels}; fails unless one. */
  public double value(String name, String... labels) {
    List<Sample> found = samples(name, labels);
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one sample " + name + " " + List.of(labels) + ", found " + found);
    }
    return found.get(0).value();
  }

  List<Sample> all() {
    return List.copyOf(samples);
  }
}
