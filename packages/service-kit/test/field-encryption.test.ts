import { randomUUID } from 'node:crypto';
import {
  fieldCipher,
  FieldDecryptionError,
  generateFieldKeyring,
  parseFieldKeyring,
  withNewActiveKey,
  type FieldLocation,
} from '../src/field-encryption';

describe('field encryption', () => {
  const keyring = parseFieldKeyring(generateFieldKeyring());
  const cipher = fieldCipher(keyring);
  const here: FieldLocation = {
    organizationId: randomUUID(),
    table: 'contacts',
    column: 'email',
    rowId: randomUUID(),
  };

  it('seals with the active key, names it beside the ciphertext, and opens where it was sealed', () => {
    const sealed = cipher.encrypt('ada@example.com', here);
    expect(sealed).toMatch(/^pii1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('ada');
    expect(cipher.keyIdOf(sealed)).toBe('k1');
    expect(cipher.decrypt(sealed, here)).toBe('ada@example.com');
    // A fresh IV every time: equal values do not give equal ciphertexts.
    expect(cipher.encrypt('ada@example.com', here)).not.toBe(sealed);
    expect(cipher.decrypt(cipher.encrypt('', here), here)).toBe('');
    expect(cipher.decrypt(cipher.encrypt('Zoë 山田 🙂', here), here)).toBe('Zoë 山田 🙂');
  });

  it('refuses a ciphertext moved to another row, column, table or organization, or tampered with', () => {
    const sealed = cipher.encrypt('+15551234567', here);
    for (const elsewhere of [
      { ...here, rowId: randomUUID() },
      { ...here, column: 'phone' },
      { ...here, table: 'companies' },
      { ...here, organizationId: randomUUID() },
    ]) {
      expect(() => cipher.decrypt(sealed, elsewhere)).toThrow(FieldDecryptionError);
    }
    const [prefix, keyId, iv, body = ''] = sealed.split('.');
    const bytes = Buffer.from(body, 'base64url');
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    const flipped = bytes.toString('base64url');
    expect(() => cipher.decrypt([prefix, keyId, iv, flipped].join('.'), here)).toThrow(FieldDecryptionError);
    expect(() => cipher.decrypt('plain text', here)).toThrow('not an encrypted field value');
  });

  it('after a rotation, seals with the new key and still opens what the old key sealed', () => {
    const old = cipher.encrypt('Ada', here);
    const rotated = fieldCipher(withNewActiveKey(keyring, 'k2'));
    const fresh = rotated.encrypt('Ada', here);
    expect(rotated.keyIdOf(fresh)).toBe('k2');
    expect(rotated.decrypt(old, here)).toBe('Ada');
    expect(rotated.decrypt(fresh, here)).toBe('Ada');
    // The old keyring does not know the new key.
    expect(() => cipher.decrypt(fresh, here)).toThrow('no longer has');
  });

  it('gives equal blind indexes for equal values in one organization, unrelated ones across organizations', () => {
    const organization = randomUUID();
    const index = cipher.blindIndex(organization, 'email', 'ada@example.com');
    expect(index).toMatch(/^[0-9a-f]{64}$/);
    expect(cipher.blindIndex(organization, 'email', 'ada@example.com')).toBe(index);
    expect(cipher.blindIndex(organization, 'email', 'bob@example.com')).not.toBe(index);
    expect(cipher.blindIndex(organization, 'phone', 'ada@example.com')).not.toBe(index);
    expect(cipher.blindIndex(randomUUID(), 'email', 'ada@example.com')).not.toBe(index);
    // The index key is not the encryption key: a rotation keeps indexes.
    expect(
      fieldCipher(withNewActiveKey(keyring, 'k2')).blindIndex(organization, 'email', 'ada@example.com'),
    ).toBe(index);
  });

  it('reads a keyring from configuration and refuses a broken one', () => {
    expect(() => parseFieldKeyring('nope')).toThrow('not JSON');
    const key = Buffer.alloc(32, 1).toString('base64');
    expect(() =>
      parseFieldKeyring(JSON.stringify({ active: 'k9', keys: { k1: key }, blindIndexKey: key })),
    ).toThrow('active key must be one of the keys');
    expect(() =>
      parseFieldKeyring(JSON.stringify({ active: 'k1', keys: { k1: 'c2hvcnQ=' }, blindIndexKey: key })),
    ).toThrow('32 bytes');
    expect(
      parseFieldKeyring(JSON.stringify({ active: 'k1', keys: { k1: key }, blindIndexKey: key })),
    ).toMatchObject({
      activeKeyId: 'k1',
    });
  });
});
