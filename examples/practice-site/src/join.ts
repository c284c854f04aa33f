// The client's page: <bb-session> reads the key from the link's fragment, removes it
// from the address bar, and joins. Nothing else is needed.
import '@bilateral-base/widget/define';
