package dev.weir.controller.source;

import java.util.Objects;

/**
 * Input that a source could not read, for example a YAML file that does not parse.
 *
 * @param file the file at fault, as given to the source
 * @param line the 1-based line of the error, or 0 when unknown
 * @param message one line for humans
 */
public record SourceProblem(String file, int line, String message) {

  public SourceProblem {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
  }
}
