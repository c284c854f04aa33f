// Everything a page loads for <bb-session>: the element, Lit, core and PeerJS.
export * from '@bilateral-base/widget/define';
