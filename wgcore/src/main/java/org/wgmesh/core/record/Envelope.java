package org.wgmesh.core.record;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.wgmesh.core.crypto.Ed25519PrivateKey;
import org.wgmesh.core.crypto.Ed25519PublicKey;
import org.wgmesh.core.error.RecordException;

/**
 * The outer layer shared by all three record types: {@code version(1) type(1) flags(1) payload
 * [signature(64)]}. The payload is the body, raw-DEFLATE compressed when flag bit 0 is set (only
 * when that makes it shorter). Mesh and host records end in an Ed25519 signature over {@code
 * "wgmesh-record-v1" 0x00 name 0x00} followed by every byte before the signature, so a record
 * signed for one name does not verify under another.
 */
final class Envelope {
  static final int VERSION = 1;
  static final int TYPE_MESH = 1;
  static final int TYPE_HOST = 2;
  static final int TYPE_KEY = 3;
  static final int TYPE_CLIENT = 4;
  static final int FLAG_DEFLATE = 1;
  static final int HEADER = 3;

  /** The header of every key record: version 1, type key, no flags. */
  static final byte[] KEY_HEADER = {VERSION, TYPE_KEY, 0};

  /** A body never inflates beyond this: bounds the work a hostile record can cause. */
  static final int MAX_BODY = 65536;

  private static final byte[] SIGNATURE_CONTEXT =
      "wgmesh-record-v1\0".getBytes(StandardCharsets.US_ASCII);

  private Envelope() {}

  /**
   * Builds the envelope and signs it. The body is deflated when that makes it shorter (see {@link
   * #buildUnsigned}).
   */
  static byte[] build(String name, int type, byte[] body, Ed25519PrivateKey signer) {
    byte[] unsigned = buildUnsigned(name, type, body);
    ByteArrayOutputStream out = new ByteArrayOutputStream(unsigned.length + 64);
    out.writeBytes(unsigned);
    out.writeBytes(signer.sign(signedMessage(name, unsigned)));
    return out.toByteArray();
  }

  /**
   * Builds the envelope without a signature (key records). The body is deflated when that makes it
   * shorter, except for key records, whose header is bound into the HPKE aad instead of a signature
   * and must therefore be known before sealing ({@link #KEY_HEADER}).
   */
  static byte[] buildUnsigned(String name, int type, byte[] body) {
    byte[] payload = body;
    int flags = 0;
    byte[] deflated = type == TYPE_KEY ? body : deflate(body);
    if (deflated.length < body.length) {
      payload = deflated;
      flags = FLAG_DEFLATE;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 67);
    out.write(VERSION);
    out.write(type);
    out.write(flags);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /**
   * A parsed envelope (signature not yet checked).
   *
   * @param name the record name, for errors and the signature
   * @param signed every byte before the signature
   * @param signature the signature, empty for an unsigned type
   * @param compressed whether the payload is deflated
   * @param payload the payload as stored
   */
  record Parsed(
      String name, byte[] signed, Optional<byte[]> signature, boolean compressed, byte[] payload) {
    /** Whether {@code key} signed this envelope for this name. */
    boolean verifiedBy(Ed25519PublicKey key) {
      return signature.filter(s -> key.verify(signedMessage(name, signed), s)).isPresent();
    }

    /** The body: the payload, inflated if it was deflated. */
    byte[] body() {
      return compressed ? inflate(name, payload) : payload;
    }
  }

  /**
   * Checks version, type and flags, and splits off the signature.
   *
   * @throws RecordException naming the field that is wrong
   */
  static Parsed parse(String name, byte[] bytes, int expectedType, boolean signed) {
    WireReader r = new WireReader(name, bytes);
    int version = r.u8("version");
    if (version != VERSION) {
      throw new RecordException(
          name,
          "field 'version': format version "
              + version
              + " is not supported (this wgmesh reads "
              + VERSION
              + ")",
          version > VERSION ? "the site runs a newer wgmesh: upgrade this host" : null);
    }
    int type = r.u8("type");
    if (type != expectedType) {
      throw new RecordException(
          name,
          "field 'type': expected a " + typeName(expectedType) + " record, found type " + type);
    }
    int flags = r.u8("flags");
    if ((flags & ~FLAG_DEFLATE) != 0) {
      throw new RecordException(
          name, "field 'flags': unknown flag bits " + Integer.toBinaryString(flags));
    }
    if (type == TYPE_KEY && flags != 0) {
      throw new RecordException(name, "field 'flags': key records are never compressed");
    }
    int sigLength = signed ? Ed25519PublicKey.SIGNATURE_LENGTH : 0;
    if (bytes.length - HEADER < sigLength + 1) {
      throw new RecordException(
          name, "field 'payload': truncated (" + bytes.length + " bytes in all)");
    }
    int end = bytes.length - sigLength;
    byte[] signedPart = Arrays.copyOf(bytes, end);
    Optional<byte[]> signature =
        signed ? Optional.of(Arrays.copyOfRange(bytes, end, bytes.length)) : Optional.empty();
    return new Parsed(
        name, signedPart, signature, flags == FLAG_DEFLATE, Arrays.copyOfRange(bytes, HEADER, end));
  }

  static String typeName(int type) {
    return switch (type) {
      case TYPE_MESH -> "mesh";
      case TYPE_HOST -> "host";
      case TYPE_KEY -> "key";
      case TYPE_CLIENT -> "client";
      default -> "unknown";
    };
  }

  private static byte[] signedMessage(String name, byte[] signed) {
    ByteArrayOutputStream m = new ByteArrayOutputStream(signed.length + 64);
    m.writeBytes(SIGNATURE_CONTEXT);
    m.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
    m.write(0);
    m.writeBytes(signed);
    return m.toByteArray();
  }

  private static byte[] deflate(byte[] body) {
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
    try {
      d.setInput(body);
      d.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 16);
      byte[] buf = new byte[4096];
      while (!d.finished()) {
        out.write(buf, 0, d.deflate(buf));
      }
      return out.toByteArray();
    } finally {
      d.end();
    }
  }

  private static byte[] inflate(String name, byte[] payload) {
    Inflater inf = new Inflater(true);
    try {
      inf.setInput(payload);
      ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length * 4);
      byte[] buf = new byte[4096];
      while (!inf.finished()) {
        int n = inf.inflate(buf);
        if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
          throw new RecordException(name, "field 'payload': compressed data ends early");
        }
        out.write(buf, 0, n);
        if (out.size() > MAX_BODY) {
          throw new RecordException(
              name, "field 'payload': inflates beyond " + MAX_BODY + " bytes");
        }
      }
      if (inf.getRemaining() != 0) {
        throw new RecordException(
            name, "field 'payload': trailing bytes after the compressed data");
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new RecordException(
          name, "field 'payload': bad compressed data (" + e.getMessage() + ")");
    } finally {
      inf.end();
    }
  }
}
