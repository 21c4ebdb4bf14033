/**
 * Interface text that sits under a password-like key: translation files map
 * `"PASSWORD"` or `"SIGN_IN_PWD"` to the word for it in every language ("Passwort",
 * "Contraseña", "비밀번호", "舊密碼不正確。"). Such values are words of a language, not
 * something a person or a generator would pick as a password.
 */

/**
 * Whether a value is text in a language written with letters beyond ASCII: most of its
 * characters are such letters (Chinese, Korean, Cyrillic, ...), or it is one word of
 * letters with at least one of them ("Contraseña", "Şifre"). The engine hands values over
 * as the latin1 reading of their bytes; they are read back as UTF-8 here (a value that is
 * not valid UTF-8 that way is taken as the text it is). Words may be joined by hyphens,
 * and a label may end with a colon ("App-Passwörter", "Contraseña:").
 */
export function isNaturalLanguage(value: string): boolean {
  // A value cut inside its last character is still text: a pattern that stops at white space
  // stops at byte 0xA0, which latin1 reads as a no-break space (码 is E7 A0 81).
  const decoded = /[^\u0000-\u00ff]/.test(value) ? value : Buffer.from(value, 'latin1').toString('utf8').replace(/\ufffd$/, '');
  // Not UTF-8: the value was text already (a caller's string), not bytes.
  const text = decoded.includes('\ufffd') || decoded === '' ? value : decoded;
  const characters = [...text];
  const nonAsciiLetters = characters.filter((c) => c > '\u007f' && /\p{L}/u.test(c)).length;
  if (nonAsciiLetters === 0) return false;
  return nonAsciiLetters * 2 >= characters.length || /^[\p{L}\p{M}]+(?:-[\p{L}\p{M}]+)*:?$/u.test(text);
}

/** ISO 639-1 language codes, for file names such as de.json or zh_CN.json. */
const LANGUAGES = new Set(
  (
    'af am ar as az be bg bn bo br bs ca cs cy da de dz el en eo es et eu fa fi fo fr fy ga gd gl gu ha he hi hr hu hy ' +
    'id ig is it ja jv ka kk km kn ko ku ky la lb lo lt lv mg mi mk ml mn mr ms mt my nb ne nl nn no ny oc or pa pl ps ' +
    'pt qu rm ro ru rw sa sd si sk sl so sq sr st sv sw ta te tg th ti tk tl tr tt ug uk ur uz vi wo xh yi yo zh zu'
  ).split(' '),
);

/**
 * A translation file, by its path: under a folder of translations (i18n/, locales/,
 * lang/, translations/...) or named by a language code (de.json, en-US.json,
 * zh_CN.json, de-de-lang.json, messages.fr.json, messages_de.properties, a resource
 * bundle's login_nb_NO.properties).
 */
export function isTranslationFile(path: string): boolean {
  if (/(?:^|\/)(?:i18n|l10n|locales?|langs?|languages|translations?)\//i.test(path)) return true;
  const name = path.slice(path.lastIndexOf('/') + 1);
  // A Java resource bundle's translation: its base name, then the locale (login_de.properties, config_nb_NO.properties).
  const bundle = /_([a-z]{2})(?:_[A-Z]{2})?\.properties$/.exec(name)?.[1];
  if (bundle !== undefined && LANGUAGES.has(bundle)) return true;
  const code = /^(?:(?:messages|strings|translations?)[._-])?([a-z]{2})(?:[-_][A-Za-z]{2,4})?(?:[._-](?:lang|messages|strings|translations?))?\.(?:json|ya?ml|properties)$/.exec(name)?.[1];
  return code !== undefined && LANGUAGES.has(code);
}

/**
 * A word as interface text writes it ("Passwort", "Wachtwoord", "Password"): letters only,
 * capitalised or not; or such words joined by hyphens ("Palavra-passe", "App-passord"),
 * after an acronym ("API-Passwort", "SMS-salasana"), and a label's colon after them ("Senha:").
 */
export function isWord(value: string): boolean {
  return /^(?:[A-Z]{2,5}-)?[A-Za-z\u00c0-\u00ff]?[a-z\u00df-\u00ff]+(?:-[A-Za-z\u00c0-\u00ff]?[a-z\u00df-\u00ff]+)*:?$/.test(value);
}

/**
 * Words that sentences are made with and passphrases of random words rarely are: articles,
 * pronouns, prepositions, conjunctions, common auxiliaries and adverbs of degree.
 */
const FUNCTION_WORDS = new Set(
  ("a an the it it's its is are was were be been am this that these those not no of to in on at by as from into about for with and or but if " +
    'your you my our we i he she they their them his her us me has have had do does can will would should must very so too also just only more most some any all such than then here there').split(' '),
);

/**
 * Text that goes on as a sentence (`shhhh! it's an azure devops secret`, `very sensitive
 * data`): three words or more, mostly of letters, and at least one a word sentences are
 * built with. Such a value describes a setting, it is not one; a password with a space in
 * it, or a passphrase of random words, is not a sentence.
 */
export function isSentence(text: string): boolean {
  const words = text.trim().split(/\s+/);
  if (words.length < 3) return false;
  const lettered = words.filter((word) => /^[A-Za-z]+(?:'[a-z]+)?[.,!?:;]*$/.test(word));
  return lettered.length * 3 >= words.length * 2 && words.some((word) => FUNCTION_WORDS.has(word.toLowerCase().replace(/[.,!?:;]+$/, '')));
}
