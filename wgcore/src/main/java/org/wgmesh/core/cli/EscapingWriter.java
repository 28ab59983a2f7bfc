package org.wgmesh.core.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;
import org.wgmesh.core.error.SafeText;

/**
 * The safety net under stderr: every control character written (except newline and tab) comes out
 * as {@code \xNN}, whichever code path built the message (issue 19, terminal escapes).
 */
final class EscapingWriter extends FilterWriter {
  EscapingWriter(Writer out) {
    super(out);
  }

  @Override
  public void write(int c) throws IOException {
    if (SafeText.isControl((char) c)) {
      out.write(SafeText.escape(String.valueOf((char) c)));
    } else {
      out.write(c);
    }
  }

  @Override
  public void write(char[] cbuf, int off, int len) throws IOException {
    out.write(SafeText.escape(new String(cbuf, off, len)));
  }

  @Override
  public void write(String str, int off, int len) throws IOException {
    out.write(SafeText.escape(str.substring(off, off + len)));
  }
}
