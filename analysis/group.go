package analysis

// GroupBy splits xs by key, keeping the order in which keys first appear
// and, within a group, the order of xs.
func GroupBy[T any](xs []T, key func(T) string) (order []string, groups map[string][]T) {
	groups = map[string][]T{}
	for _, x := range xs {
		k := key(x)
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], x)
	}
	return order, groups
}
