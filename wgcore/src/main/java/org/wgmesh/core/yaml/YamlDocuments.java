package org.wgmesh.core.yaml;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.Map;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.io.BoundedFiles;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads YAML into {@link YamlNode}s that remember their line, using SnakeYAML's node API ({@code
 * compose}), never its object construction: no tags are resolved into Java types, so a file cannot
 * make us instantiate anything.
 */
public final class YamlDocuments {
  /**
   * The longest line accepted, in characters. SnakeYAML's reader copies the unread part of its
   * window each time it reads 1,024 more characters, and it reads a whole line of a scalar before
   * it moves on, so one line of n characters costs n * n / 1024 copies: a single 50 MB value took
   * more than 5 minutes (issue 19). Bounding the line bounds that work to 4 copies per character
   * however large the file is. wgmesh writes no line over 100 characters; hand-written flow lists
   * and comments fit easily.
   */
  public static final int MAX_LINE_CHARS = 4096;

  /**
   * The most nodes (values, lists and mappings) a document may have. The parsed tree costs a few
   * hundred bytes a node; a 10,000-host site file has 170,038, and a file of the size limit made of
   * one-letter list items would have 4 million and need gigabytes (issue 19); half a million fit in
   * a 256 MB heap. A first, streaming pass counts them in constant memory before the tree is built.
   */
  public static final int MAX_NODES = 500_000;

  /** Deeper than any wgmesh file (they nest 3 levels) yet far from a stack overflow. */
  private static final int MAX_NESTING = 20;

  private YamlDocuments() {}

  /**
   * Parses one YAML document.
   *
   * @param source names the text in errors (usually the file path)
   * @return the root node; an empty document is an error
   * @throws ConfigException for a syntax error (with its line) or an empty document
   */
  public static YamlNode parse(String text, String source) {
    checkLineLengths(text, source);
    LoaderOptions opts = new LoaderOptions();
    opts.setAllowDuplicateKeys(false);
    opts.setMaxAliasesForCollections(10);
    // The callers' size limits come first; this only keeps SnakeYAML's own limit out of the way.
    opts.setCodePointLimit(Math.max(text.length(), 1));
    opts.setNestingDepthLimit(MAX_NESTING);
    opts.setAllowRecursiveKeys(false);
    Node root;
    try {
      // One pass: the composer reads events through a parser that counts them, so a document
      // over the node limit is refused after MAX_NODES nodes are built, not after all of them
      // (a separate counting pass parsed every site file twice: 17% of an admission into
      // 10,000 hosts, issue 21).
      Parser counting =
          new CountingParser(
              new ParserImpl(new StreamReader(new StringReader(text)), opts), source);
      root = new Composer(counting, new Resolver(), opts).getSingleNode();
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new ConfigException(
          source,
          "YAML syntax error at line " + line + ": " + e.getProblem(),
          "check the indentation and quoting near that line");
    } catch (YAMLException e) {
      throw new ConfigException(source, "not valid YAML: " + e.getMessage());
    }
    if (root == null) {
      throw new ConfigException(source, "the file is empty");
    }
    return new YamlNode(root, source, "");
  }

  /** Refuses a document of more than {@link #MAX_NODES} nodes while its events are read. */
  private static final class CountingParser implements Parser {
    private final Parser parser;
    private final String source;
    private int nodes;

    CountingParser(Parser parser, String source) {
      this.parser = parser;
      this.source = source;
    }

    @Override
    public boolean checkEvent(Event.ID choice) {
      return parser.checkEvent(choice);
    }

    @Override
    public Event peekEvent() {
      return parser.peekEvent();
    }

    @Override
    public Event getEvent() {
      Event e = parser.getEvent();
      if (e instanceof NodeEvent && ++nodes > MAX_NODES) {
        throw new ConfigException(
            source,
            "more than "
                + MAX_NODES
                + " values, lists and mappings (at line "
                + (e.getStartMark().getLine() + 1)
                + "), over the node limit",
            "a site of 10,000 hosts has about 170,000: is this the right file?");
      }
      return e;
    }
  }

  /**
   * Refuses a line over {@link #MAX_LINE_CHARS}, in one pass before the parser sees the text.
   *
   * @throws ConfigException naming the line and the limit
   */
  private static void checkLineLengths(String text, String source) {
    int line = 1;
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == '\n') {
        if (i - start > MAX_LINE_CHARS) {
          throw new ConfigException(
              source,
              "line "
                  + line
                  + " is "
                  + (i - start)
                  + " characters long, over the line-length limit of "
                  + MAX_LINE_CHARS,
              "no value of a wgmesh file is that long: is this the right file?");
        }
        line++;
        start = i + 1;
      }
    }
  }

  /**
   * Writes plain data (maps with string keys, lists, strings, numbers, booleans) as block-style
   * YAML in the maps' iteration order. Strings that would read back as something else are quoted.
   */
  public static String dump(Map<String, ?> data) {
    DumperOptions d = new DumperOptions();
    d.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    d.setIndent(2);
    d.setIndicatorIndent(0);
    d.setWidth(200);
    d.setSplitLines(false);
    // Never anchors and aliases: equal objects (the one empty list Stream.toList() returns for
    // every host without LANs) were written as &id001 / *id001, and more than 10 of them made the
    // file unreadable (the reader's alias limit; a site of 11 hosts without LANs, issue 26).
    d.setDereferenceAliases(true);
    return new Yaml(d).dump(data);
  }

  /**
   * Reads and parses a UTF-8 YAML file, refusing it unread when it is over {@code maxBytes}.
   *
   * @param limitName names the limit in the refusal, e.g. {@code site-file size limit}
   * @throws FileException when it cannot be read
   * @throws ConfigException when it is over the limit, has a line over {@link #MAX_LINE_CHARS} or
   *     is not valid YAML
   */
  public static YamlNode read(Path file, String limitName, long maxBytes) {
    String text =
        BoundedFiles.readUtf8(
            file, new BoundedFiles.Limit(limitName, maxBytes, ConfigException::new));
    return parse(text, file.toString());
  }
}
