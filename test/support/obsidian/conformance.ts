/**
 * The stand-in checked against the real `obsidian` type definitions (DESIGN §6), by `tsc --noEmit`
 * (`npm run lint`): nothing here runs. For every class both export, each public member the
 * stand-in has must be assignable to the real member of that name, so a test cannot pass on a
 * signature Obsidian does not have (wrong argument order, a sync method that is async there, a
 * missing parameter). For every function both export, the stand-in must be assignable to the
 * real one. Members only the stand-in has are its test helpers (listed in ./index.ts).
 */
import type * as Real from 'obsidian';
import type * as Fake from './index';

/** Every stand-in class: where one appears in a signature, its real counterpart is expected. */
type FakeInstance =
  | Fake.App | Fake.SecretStorage | Fake.Events | Fake.Component | Fake.FileManager | Fake.MetadataCache | Fake.Commands
  | Fake.SettingRegistry | Fake.Plugins | Fake.Plugin | Fake.Scope | Fake.Keymap | Fake.Notice | Fake.Modal | Fake.BaseComponent
  | Fake.Setting | Fake.SettingTab | Fake.MenuItem | Fake.Menu | Fake.MarkdownRenderChild | Fake.TAbstractFile
  | Fake.FileSystemAdapter | Fake.Vault | Fake.ViewRegistry | Fake.View | Fake.WorkspaceLeaf | Fake.Workspace;

/**
 * A stand-in signature as it is checked against the real one: each stand-in class in it (in a
 * parameter, a result, a promise, an array) stands for its real counterpart and is not compared
 * again there, so each class is judged by its own members, once; everything else (the number,
 * order and types of arguments, sync or async, strings, options objects, DOM types) must fit.
 */
type AsReal<T> = T extends (...args: infer A) => infer R
  ? (...args: AsRealArgs<A>) => AsReal<R>
  : T extends Promise<infer U>
    ? Promise<AsReal<U>>
    : T extends readonly (infer E)[]
      ? AsReal<E>[]
      : T extends FakeInstance
        ? any
        : T;
type AsRealArgs<A extends unknown[]> = { [I in keyof A]: AsReal<A[I]> };

/**
 * Checks `F`'s shared members against `R`'s: a mismatch is a tsc error ("Expected 2 arguments"),
 * and `Mismatch<F, R>` names the members. `Except` lists the members the stand-in knowingly types
 * differently, each with its reason where it is used.
 */
function conforms<R, Except extends PropertyKey = never>() {
  return <F>(_: F | null, ...ok: [Exclude<Mismatch<F, R>, Except>] extends [never] ? [] : [mismatch: Exclude<Mismatch<F, R>, Except>]): void => void ok;
}
/** The members that do not fit. */
type Mismatch<F, R> = { [K in Extract<keyof F, keyof R>]-?: [AsReal<F[K]>] extends [R[K]] ? never : K }[Extract<keyof F, keyof R>];

// Instances: what the plugin holds and calls.
conforms<Real.App>()(null as Fake.App | null);
conforms<Real.Vault>()(null as Fake.Vault | null);
conforms<Real.FileSystemAdapter>()(null as Fake.FileSystemAdapter | null);
conforms<Real.TAbstractFile>()(null as Fake.TAbstractFile | null);
conforms<Real.TFile>()(null as Fake.TFile | null);
conforms<Real.TFolder>()(null as Fake.TFolder | null);
conforms<Real.MetadataCache>()(null as Fake.MetadataCache | null);
conforms<Real.FileManager>()(null as Fake.FileManager | null);
// Sidebars are a collapsed flag only; the layout is never saved; views are looked up by class.
conforms<Real.Workspace, 'leftSplit' | 'rightSplit' | 'requestSaveLayout' | 'getActiveViewOfType'>()(null as Fake.Workspace | null);
conforms<Real.WorkspaceLeaf>()(null as Fake.WorkspaceLeaf | null);
conforms<Real.View>()(null as Fake.View | null);
conforms<Real.ItemView>()(null as Fake.ItemView | null);
conforms<Real.FileView>()(null as Fake.FileView | null);
conforms<Real.MarkdownView>()(null as Fake.MarkdownView | null);
conforms<Real.Component>()(null as Fake.Component | null);
conforms<Real.Events>()(null as Fake.Events | null);
conforms<Real.Plugin>()(null as Fake.Plugin | null);
conforms<Real.PluginSettingTab>()(null as Fake.PluginSettingTab | null);
conforms<Real.SecretStorage>()(null as Fake.SecretStorage | null);
conforms<Real.Modal>()(null as Fake.Modal | null);
conforms<Real.SuggestModal<string>>()(null as Fake.SuggestModal<string> | null);
conforms<Real.FuzzySuggestModal<string>>()(null as Fake.FuzzySuggestModal<string> | null);
conforms<Real.Notice>()(null as Fake.Notice | null);
conforms<Real.Setting>()(null as Fake.Setting | null);
conforms<Real.ButtonComponent>()(null as Fake.ButtonComponent | null);
conforms<Real.ExtraButtonComponent>()(null as Fake.ExtraButtonComponent | null);
conforms<Real.TextComponent>()(null as Fake.TextComponent | null);
conforms<Real.TextAreaComponent>()(null as Fake.TextAreaComponent | null);
conforms<Real.ToggleComponent>()(null as Fake.ToggleComponent | null);
conforms<Real.DropdownComponent>()(null as Fake.DropdownComponent | null);
conforms<Real.SliderComponent>()(null as Fake.SliderComponent | null);
conforms<Real.SearchComponent>()(null as Fake.SearchComponent | null);
conforms<Real.SecretComponent>()(null as Fake.SecretComponent | null);
conforms<Real.Menu>()(null as Fake.Menu | null);
conforms<Real.MenuItem>()(null as Fake.MenuItem | null);
// Hotkeys are recorded, not dispatched: register returns the record a test inspects.
conforms<Real.Scope, 'register'>()(null as Fake.Scope | null);
conforms<Real.MarkdownRenderChild>()(null as Fake.MarkdownRenderChild | null);

// Functions: the stand-in must be callable wherever the real one is.
const functions: {
  [K in 'normalizePath' | 'requestUrl' | 'request' | 'debounce' | 'parseYaml' | 'stringifyYaml' | 'getAllTags' | 'getFrontMatterInfo' | 'getLinkpath' | 'parseLinktext' | 'parseFrontMatterAliases' | 'parseFrontMatterEntry' | 'parseFrontMatterStringArray' | 'parseFrontMatterTags' | 'prepareFuzzySearch' | 'prepareSimpleSearch' | 'stripHeading' | 'stripHeadingForLink' | 'requireApiVersion' | 'arrayBufferToBase64' | 'base64ToArrayBuffer' | 'arrayBufferToHex' | 'hexToArrayBuffer' | 'setIcon' | 'setTooltip' | 'addIcon' | 'getIcon' | 'getIconIds' | 'removeIcon' | 'sanitizeHTMLToDom']: (typeof Real)[K];
} = null as unknown as Pick<typeof Fake, keyof typeof functions>;
void functions;
